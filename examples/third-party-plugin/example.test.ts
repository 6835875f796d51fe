import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const CLI = join(repo, 'packages/cli/dist/bin.js');
const CLI_SOURCE = join(repo, 'packages/cli/src/bin.ts');
/** tsx's loader by URL: `--import tsx` would resolve from the working directory, which is not the repository. */
const TSX = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
const PLUGIN = join(here, 'buildsecrets-provider-netrc');
const PROJECT = join(here, 'example-project');
/** The fake credentials in example-project/.netrc: none may ever be printed. */
const VALUES = ['example registry password 3f9a', 'example-git-token-b27c', 'anonymous-example'];

let project: string;

/** What `npm install` does for the example, without the network: the plugin and core in the temp project's node_modules. */
function installOffline(into: string): void {
  mkdirSync(join(into, 'node_modules', '@buildsecrets'), { recursive: true });
  // A copy, not a link: the plugin must find @buildsecrets/core from the project, as an installed package would.
  cpSync(PLUGIN, join(into, 'node_modules', 'buildsecrets-provider-netrc'), { recursive: true, filter: (src) => !src.includes('node_modules') && !/\.test\.ts$/.test(src) });
  symlinkSync(join(repo, 'packages/core'), join(into, 'node_modules', '@buildsecrets', 'core'), 'dir');
}

/** Run the CLI from an unrelated working directory, so only `--config` can lead it to the project. */
function cli(args: string[], runner: string[] = [CLI]): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: tmpdir(), NO_COLOR: '1' };
  return spawnSync(process.execPath, [...runner, ...args], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 60_000 });
}

function expectNoValue(run: SpawnSyncReturns<string>): void {
  for (const value of VALUES) expect(run.stdout + run.stderr).not.toContain(value);
}

beforeAll(() => {
  expect(existsSync(CLI), 'packages/cli/dist is missing: run `tsc -b` first (npm test does)').toBe(true);
  project = mkdtempSync(join(tmpdir(), 'netrc-example-'));
  cpSync(PROJECT, project, { recursive: true });
  chmodSync(join(project, '.netrc'), 0o600); // git does not keep file modes
  installOffline(project);
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('examples/third-party-plugin: a provider plugin selected by package name', () => {
  it('loads buildsecrets-provider-netrc from the config directory and resolves every secret, printing no value', () => {
    const run = cli(['check', '--config', join(project, 'buildsecrets.yaml'), '--verbose']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('ok      registry_password (netrc)');
    expect(run.stdout).toContain('ok      registry_user (netrc)');
    expect(run.stdout).toContain('ok      git_token (netrc)');
    expect(run.stdout).toContain('all 3 secrets resolved');
    expect(run.stderr).toContain(`netrc provider reads ${join(project, '.netrc')}`);
    expectNoValue(run);
  });

  it('reports JSON per secret, without values', () => {
    const run = cli(['check', '--json', '--config', join(project, 'buildsecrets.yaml')]);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; entries: { id: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.entries.map((e) => e.id)).toEqual(['registry_password', 'registry_user', 'git_token']);
    expectNoValue(run);
  });

  it('works when the CLI itself runs under tsx (esbuild-transpiled sources)', () => {
    const run = cli(['check', '--config', join(project, 'buildsecrets.yaml')], ['--import', TSX, CLI_SOURCE]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('all 3 secrets resolved');
    expectNoValue(run);
  });

  it('fails closed, with the fix, when the netrc file is readable by others', () => {
    const other = mkdtempSync(join(tmpdir(), 'netrc-example-open-'));
    try {
      cpSync(PROJECT, other, { recursive: true });
      chmodSync(join(other, '.netrc'), 0o644);
      installOffline(other);
      const run = cli(['check', '--config', join(other, 'buildsecrets.yaml')]);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('3 of 3 secrets failed');
      expect(run.stdout).toContain(`chmod 600 ${join(other, '.netrc')}`);
      expectNoValue(run);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('says how to install the plugin when the project does not have it', () => {
    const bare = mkdtempSync(join(tmpdir(), 'netrc-example-bare-'));
    try {
      cpSync(PROJECT, bare, { recursive: true });
      const run = cli(['check', '--config', join(bare, 'buildsecrets.yaml')]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`plugin package buildsecrets-provider-netrc is not installed (looked in node_modules from ${bare} upwards)`);
      expect(run.stderr).toContain('npm install --save-dev buildsecrets-provider-netrc');
      expectNoValue(run);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('packs only the plugin\'s code, declarations, README and LICENSE', () => {
    const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PLUGIN, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const [packed] = JSON.parse(run.stdout) as { files: { path: string }[] }[];
    expect(packed!.files.map((f) => f.path).sort()).toEqual(['LICENSE', 'README.md', 'package.json', 'src/index.js', 'src/parse-netrc.js', 'src/read-netrc-file.js', 'types/index.d.ts']);
  });

  it('type-checks the plugin\'s JSDoc-typed sources against its published declarations', () => {
    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', join(PLUGIN, 'tsconfig.json')], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
