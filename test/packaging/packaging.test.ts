import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTarballs, type InstallMode } from './support/install.js';
import { inParallel, runAsync } from './support/run-async.js';
import { installLintTools, type LintTools } from './support/lint-tools.js';
import { packageProblems, staleOutputs, type Manifest } from './support/manifest-rules.js';
import { packWorkspaces, publishableWorkspaces, REPO, unpack, type PackedPackage } from './support/pack.js';
import { undeclaredImports, type DependencyManifest } from './support/undeclared-imports.js';

/**
 * What a user gets from the registry: every publishable workspace packed with `npm pack`,
 * installed into a fresh project without the network, and used the way the README says.
 */
const CANARY = 'packaging-canary-value-8e21f4';
let work: string;
let project: string;
let packed: PackedPackage[];
let mode: InstallMode;
let lint: LintTools;

function run(command: string, args: readonly string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: project, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'], HOME: work, NO_COLOR: '1', npm_config_update_notifier: 'false', ...env } });
}

beforeAll(() => {
  const workspaces = publishableWorkspaces();
  for (const w of workspaces) expect(existsSync(join(REPO, w, 'dist/index.js')), `${w}/dist is missing: run \`tsc -b\` first (npm test does)`).toBe(true);
  work = mkdtempSync(join(tmpdir(), 'bs-packaging-'));
  packed = packWorkspaces(workspaces, join(work, 'tarballs'));
  project = join(work, 'project');
  const installed = installTarballs(project, packed);
  mode = installed.mode;
  console.info(`[packaging] ${packed.length} tarballs installed (${mode})`);
  if (mode !== 'offline') console.warn(`[packaging] tarballs installed with ${mode} (the npm cache lacked something):\n${installed.log.slice(-2000)}`);
  lint = installLintTools(join(work, 'lint-tools'));
  if (!lint.available) console.warn(`[packaging] publint/attw ${lint.reason}; only the built-in manifest rules ran`);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('published packages', () => {
  it('packs every publishable workspace', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      publishableWorkspaces().map((w) => (JSON.parse(readFileSync(join(REPO, w, 'package.json'), 'utf8')) as { name: string }).name).sort(),
    );
  });

  it('have complete manifests and ship no tests, fixtures, build state or key material', () => {
    const problems = packed.flatMap((p) => {
      const root = unpack(p.tarball, join(work, 'unpacked', p.name.replace('/', '+')));
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
      const stale = staleOutputs(p.files, root, join(REPO, p.dir));
      if (stale.length > 0) console.warn(`[packaging] ${p.name}: dist holds output of deleted sources (publish from a clean build: npm run clean && tsc -b): ${stale.join(', ')}`);
      return packageProblems(manifest, p.files, root, p.dir, join(REPO, p.dir)).map((problem) => `${p.name}: ${problem}`);
    });
    expect(problems).toEqual([]);
  });

  it('declare every package their shipped code imports (dependencies, peer or optional)', () => {
    const problems = packed.flatMap((p) => {
      const root = unpack(p.tarball, join(work, 'unpacked-imports', p.name.replace('/', '+')));
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as DependencyManifest;
      return undeclaredImports(root, p.files, manifest).map((problem) => `${p.name}: ${problem}`);
    });
    expect(problems).toEqual([]);
  });

  it('make providers and the test-kit take @buildsecrets/core as a peer, at the version being published', () => {
    const core = packed.find((p) => p.name === '@buildsecrets/core')!;
    for (const p of packed.filter((x) => x.name.startsWith('@buildsecrets/provider-') || x.name === '@buildsecrets/test-kit')) {
      const manifest = JSON.parse(readFileSync(join(REPO, p.dir, 'package.json'), 'utf8')) as Manifest;
      expect(manifest.peerDependencies?.['@buildsecrets/core'], p.name).toBe(`^${core.version}`);
    }
  });

  it('pass publint and attw (esm-only profile); without them: a reported skip locally, a failure under CI', async (ctx) => {
    if (!lint.available) {
      // CI must run the full rule sets: a missing tool there is a failure, never a silent pass.
      if (process.env['CI']) throw new Error(`publint/attw ${lint.reason}: CI must have them (npm cache or registry)`);
      ctx.skip(`publint/attw ${lint.reason}; only the built-in manifest rules ran`);
    }
    if (!lint.available) return;
    const tools = lint;
    const jobs = packed.flatMap((p) => [
      () => runAsync(tools.publint, ['run', p.tarball, '--strict']).then((r) => ({ ...r, what: `publint ${p.name}` })),
      () => runAsync(tools.attw, [p.tarball, '--profile', 'esm-only', '--format', 'ascii']).then((r) => ({ ...r, what: `attw ${p.name}` })),
    ]);
    const failures = (await inParallel(jobs, 2)).filter((r) => r.status !== 0).map((r) => `${r.what}: ${r.output}`);
    expect(failures).toEqual([]);
    // Two tools per package, two at a time: the budget grows with the number of packages.
  }, 15_000 * (publishableWorkspaces().length + 2));
});

describe('installed from the tarballs', () => {
  it('installs without the network', () => {
    expect(['offline', 'prefer-offline', 'linked-deps']).toContain(mode);
    if (mode === 'linked-deps') console.warn('[packaging] linked-deps: only the declared dependencies of the packages were linked');
    expect(existsSync(join(project, 'node_modules/@buildsecrets/core/package.json'))).toBe(true);
  });

  it('runs `npx buildsecrets --version`', () => {
    const r = run('npx', ['--offline', '--no-install', 'buildsecrets', '--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(packed.find((p) => p.name === 'buildsecrets')!.version);
  });

  it('runs `npx buildsecrets check` on an env-only config, printing no value', () => {
    writeFileSync(
      join(project, 'buildsecrets.yaml'),
      'version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  npm_token: { from: local, ref: PACKAGING_NPM_TOKEN }\n',
    );
    const r = run('npx', ['--offline', '--no-install', 'buildsecrets', 'check', '--config', join(project, 'buildsecrets.yaml')], { PACKAGING_NPM_TOKEN: CANARY });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('ok      npm_token (local)');
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  });

  it('imports every package from ESM', () => {
    const names = packed.map((p) => p.name);
    const script = `for (const n of ${JSON.stringify(names)}) { const m = await import(n); if (Object.keys(m).length === 0) throw new Error(n + ' exports nothing'); }
const core = await import('@buildsecrets/core');
for (const f of ['createBuildSecrets', 'defineProvider', 'loadProviderDefinition']) if (typeof core[f] !== 'function') throw new Error('core lacks ' + f);
for (const n of ${JSON.stringify(names.filter((n) => n.startsWith('@buildsecrets/provider-')))}) if ((await import(n)).default?.apiVersion !== 1) throw new Error(n + ' has no provider definition as default export');
console.log('ok');`;
    const r = run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('ok');
  });

  it('ships the audit\'s scanning worker: the installed @buildsecrets/audit searches two 2 MB layers, the second (holding the token) in a worker thread', () => {
    const image = join(project, 'two-layers');
    const diffIds: string[] = [];
    for (const i of [0, 1]) {
      const layer = join(image, `l${i}`);
      mkdirSync(layer, { recursive: true });
      writeFileSync(join(layer, 'noise.bin'), randomBytes(2_000_000));
      if (i === 1) writeFileSync(join(layer, 'token'), CANARY);
      execFileSync('tar', ['-C', layer, '-cf', join(image, `l${i}.tar`), '.']);
      diffIds.push(`sha256:${createHash('sha256').update(readFileSync(join(image, `l${i}.tar`))).digest('hex')}`);
    }
    writeFileSync(join(image, 'cfg.json'), JSON.stringify({ config: {}, history: [], rootfs: { type: 'layers', diff_ids: diffIds } }));
    writeFileSync(join(image, 'manifest.json'), JSON.stringify([{ Config: 'cfg.json', Layers: ['l0.tar', 'l1.tar'] }]));
    execFileSync('tar', ['-C', image, '-cf', join(image, 'image.tar'), 'l0.tar', 'l1.tar', 'cfg.json', 'manifest.json']);
    // With concurrency 2 and one layer for the calling thread, a worker takes the other: a missing
    // worker entry would leave that one unscanned (the audit fails closed), not pass.
    const script = `const { auditImage } = await import('@buildsecrets/audit');
const r = await auditImage({ archive: ${JSON.stringify(join(image, 'image.tar'))}, secrets: [{ id: 't', value: process.env.PACKAGING_TOKEN }], concurrency: 2, callingThreadLayers: 1 });
console.log(JSON.stringify({ unscanned: r.unscanned, found: r.findings.map((f) => f.location.path) }));`;
    const r = run(process.execPath, ['--input-type=module', '-e', script], { PACKAGING_TOKEN: CANARY });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ unscanned: [], found: ['token'] });
  });

  it('requires @buildsecrets/core and the providers from CommonJS (require(esm), Node >= 20.19)', () => {
    const names = packed.map((p) => p.name).filter((n) => n !== 'buildsecrets');
    const script = `for (const n of ${JSON.stringify(names)}) require(n);
const core = require('@buildsecrets/core');
if (typeof core.defineProvider !== 'function' || typeof core.SecretValue !== 'function') throw new Error('core is incomplete from require');
console.log('ok');`;
    const r = run(process.execPath, ['--input-type=commonjs', '--no-warnings', '-e', script]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('ok');
  });
});
