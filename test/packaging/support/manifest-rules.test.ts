import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageProblems, type Manifest } from './manifest-rules.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bs-manifest-'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist/index.js'), 'export {};\n');
  writeFileSync(join(root, 'dist/bin.js'), '#!/usr/bin/env node\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const good: Manifest = {
  name: '@buildsecrets/x',
  version: '1.0.0',
  type: 'module',
  license: 'MIT',
  repository: { type: 'git', url: 'git+https://example.invalid/x.git', directory: 'packages/x' },
  engines: { node: '>=20.19' },
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist'],
  bin: { x: './dist/bin.js' },
  publishConfig: { access: 'public' },
};
const files = ['LICENSE', 'dist/bin.js', 'dist/index.d.ts', 'dist/index.js', 'package.json'];

describe('packageProblems', () => {
  it('accepts a complete manifest', () => {
    expect(packageProblems(good, files, root, 'packages/x', root)).toEqual([]);
  });

  it('names each missing or wrong field', () => {
    const bad: Manifest = { ...good, private: true, engines: {}, exports: { '.': { default: './dist/index.js', types: './dist/index.d.ts' } }, publishConfig: {}, repository: 'x' };
    expect(packageProblems(bad, files, root, 'packages/x', root)).toEqual([
      'is private',
      '"repository" must be an object with url and directory "packages/x"',
      '"engines.node" must be ">=20…" (is undefined)',
      'is scoped but "publishConfig.access" is not "public"',
      '"exports"["."] must list "types" first (has default, types)',
    ]);
  });

  it('flags tests, fixtures, build state, key material and targets missing from the tarball', () => {
    const shipped = ['LICENSE', 'dist/index.js', 'dist/bin.js', 'package.json', 'dist/a.test.js', 'src/__fixtures__/x.ts', 'dist/.tsbuildinfo', 'fixtures/id_rsa', '.env'];
    const problems = packageProblems(good, shipped, root, 'packages/x', root);
    expect(problems).toContain('"exports"["."].types points at ./dist/index.d.ts, which is not in the tarball');
    expect(problems).toContain('ships a test file: dist/a.test.js');
    expect(problems).toContain('ships a test fixture: src/__fixtures__/x.ts');
    expect(problems).toContain('ships tsc build state: dist/.tsbuildinfo');
    expect(problems).toContain('ships key material or a secrets file: fixtures/id_rsa');
    expect(problems).toContain('ships key material or a secrets file: .env');
  });
});
