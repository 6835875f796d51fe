import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { findConfigFile, searchConfigFile } from './discover.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bs-discover-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function touch(...parts: string[]): string {
  const file = join(root, ...parts);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, 'version: 1\n');
  return file;
}

describe('findConfigFile', () => {
  it('prefers the explicit path, resolved against cwd', () => {
    const explicit = touch('conf', 'custom.yaml');
    touch('buildsecrets.yaml');
    expect(findConfigFile({ explicitPath: 'conf/custom.yaml', cwd: root, env: { BUILDSECRETS_CONFIG: 'nope.yaml' } })).toBe(explicit);
  });

  it('fails when the explicit path or BUILDSECRETS_CONFIG does not exist', () => {
    expect(() => findConfigFile({ explicitPath: 'missing.yaml', cwd: root, env: {} })).toThrow(ConfigError);
    expect(() => findConfigFile({ explicitPath: 'missing.yaml', cwd: root, env: {} })).toThrow(/missing\.yaml \(from --config\) does not exist/);
    expect(() => findConfigFile({ cwd: root, env: { BUILDSECRETS_CONFIG: 'gone.json' } })).toThrow(/from BUILDSECRETS_CONFIG/);
    mkdirSync(join(root, 'adir'));
    expect(() => findConfigFile({ explicitPath: 'adir', cwd: root, env: {} })).toThrow(/is not a regular file/);
  });

  it('uses BUILDSECRETS_CONFIG before walking up', () => {
    const fromEnv = touch('elsewhere', 'bs.yml');
    touch('buildsecrets.yaml');
    expect(findConfigFile({ cwd: root, env: { BUILDSECRETS_CONFIG: join(root, 'elsewhere', 'bs.yml') } })).toBe(fromEnv);
  });

  it('walks up from cwd and finds .yaml, .yml or .json', () => {
    mkdirSync(join(root, '.git'));
    const file = touch('buildsecrets.json');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    expect(findConfigFile({ cwd: join(root, 'a', 'b'), env: {} })).toBe(file);
  });

  it('stops at the repository root (a directory holding .git, also a worktree .git file)', () => {
    touch('buildsecrets.yaml');
    mkdirSync(join(root, 'repo', 'sub'), { recursive: true });
    writeFileSync(join(root, 'repo', '.git'), 'gitdir: elsewhere');
    const search = searchConfigFile({ cwd: join(root, 'repo', 'sub'), env: {} });
    expect(search).toEqual({ file: undefined, searched: [join(root, 'repo', 'sub'), join(root, 'repo')] });
  });

  it('refuses a directory holding two config files', () => {
    mkdirSync(join(root, '.git'));
    touch('buildsecrets.yaml');
    touch('buildsecrets.yml');
    expect(() => findConfigFile({ cwd: root, env: {} })).toThrow(/ambiguous config: .* holds buildsecrets\.yaml and buildsecrets\.yml/);
  });
});
