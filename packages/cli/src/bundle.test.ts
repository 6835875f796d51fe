import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVaultTestServer, type VaultTestServer } from '@buildsecrets/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCanary } from '../../../test/setup/canary-values.js';

// The real executable: dist/bin.js imports dist/cli.bundle.js (core, env, keywhiz, zod, yaml and
// tsyringe in one file). These are the places a bundle goes wrong where unbundled code does not.
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../dist/cli.bundle.js', import.meta.url));
/** The bundle's entry and the chunks it loads on demand (code only some commands need), as one text. */
const CHUNKS = fileURLToPath(new URL('../dist/cli-chunks', import.meta.url));
const EIGHT_CORES = fileURLToPath(new URL('./test-support/eight-cores.mjs', import.meta.url));
function bundleText(): string {
  const chunks = existsSync(CHUNKS) ? readdirSync(CHUNKS).map((f) => readFileSync(`${CHUNKS}/${f}`, 'utf8')) : [];
  return [readFileSync(BUNDLE, 'utf8'), ...chunks].join('\n');
}
const CORE_HELPER = fileURLToPath(new URL('../../core/assets/buildsecrets-fetch.sh', import.meta.url));
const CANARY = makeCanary('bundle-vault');

let dir: string;
let vault: VaultTestServer;

const ENV = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' };

function run(args: readonly string[], cwd = dir) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: ENV, timeout: 30_000 });
  expect(r.stdout + r.stderr, 'no value is ever printed').not.toContain(CANARY);
  return r;
}

/** Asynchronous, so the Vault test server in this process can answer while the CLI runs. */
function runAsync(args: readonly string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: ENV, timeout: 30_000 }, (error, stdout, stderr) => {
      expect(stdout + stderr, 'no value is ever printed').not.toContain(CANARY);
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function vaultProject(name: string, token: string, secrets: string): Promise<string> {
  const project = join(dir, name);
  await mkdir(project);
  await writeFile(
    join(project, 'buildsecrets.yaml'),
    `version: 1\nproviders:\n  ci: { use: vault, options: { address: "${vault.url}", auth: { method: token, token: "${token}" } } }\nsecrets:\n${secrets}resolve: { retries: 0, timeoutMs: 5000, deadlineMs: 10000 }\n`,
  );
  return project;
}

beforeAll(async () => {
  expect(existsSync(BUNDLE), `${BUNDLE} is missing: run \`npm run build\` (tsc -b, then the bundle)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'bs-bundle-'));
  vault = await startVaultTestServer();
  vault.kv2('secret').put('ci/npm', { token: CANARY });
});
afterAll(async () => {
  await vault?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the bundled CLI', () => {
  it('runs from one bundle (an entry and on-demand chunks) that inlines core but leaves ssh2, node-vault and the cloud SDKs as runtime imports', () => {
    const text = bundleText();
    expect(text).toContain('@buildsecrets/core/secret-value');
    expect(text).toMatch(/import\("ssh2"\)/);
    expect(text).not.toMatch(/node-vault|@aws-sdk\/client|@google-cloud\/secret-manager/);
  });

  it('holds every module in exactly one of its files, so no class or module state exists twice (the scanning worker, a thread of its own, aside)', () => {
    const meta = JSON.parse(readFileSync(fileURLToPath(new URL('../dist/cli.bundle.meta.json', import.meta.url)), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const filesOf = new Map<string, string[]>();
    for (const [out, { inputs }] of Object.entries(meta.outputs)) {
      if (!out.endsWith('.js') || out.endsWith('/layer-worker.js')) continue;
      for (const input of Object.keys(inputs)) filesOf.set(input, [...(filesOf.get(input) ?? []), out]);
    }
    expect(filesOf.size).toBeGreaterThan(300);
    expect([...filesOf].filter(([, outs]) => outs.length > 1)).toEqual([]);
    // The metafile names the files that are there, and only those.
    const written = ['cli.bundle.js', ...readdirSync(CHUNKS).map((f) => `cli-chunks/${f}`)].sort();
    expect(Object.keys(meta.outputs).filter((o) => o.endsWith('.js')).map((o) => o.replace('packages/cli/dist/', '')).sort()).toEqual(written);
  });

  it('prints the served-file helper shipped in @buildsecrets/core (found through the package, not the bundle\'s path)', () => {
    const r = run(['helper']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(CORE_HELPER, 'utf8'));
  });

  it("ships the audit's scanning worker and searches the layers of a 4-layer image in it (a missing worker fails closed, naming each layer)", async () => {
    const image = join(dir, 'four-layers');
    const out = join(image, 'out');
    await mkdir(out, { recursive: true });
    const diffIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const layer = join(image, `l${i}`);
      await mkdir(layer, { recursive: true });
      // 2 MB of noise each: above the 1 MiB under which a layer is searched on the main thread.
      await writeFile(join(layer, 'noise.bin'), randomBytes(2_000_000));
      if (i === 2) await writeFile(join(layer, 'token'), CANARY);
      execFileSync('tar', ['-C', layer, '-cf', join(out, `l${i}.tar`), '.']);
      diffIds.push(`sha256:${createHash('sha256').update(readFileSync(join(out, `l${i}.tar`))).digest('hex')}`);
    }
    await writeFile(join(out, 'cfg.json'), JSON.stringify({ config: {}, history: [], rootfs: { type: 'layers', diff_ids: diffIds } }));
    await writeFile(join(out, 'manifest.json'), JSON.stringify([{ Config: 'cfg.json', Layers: [0, 1, 2, 3].map((i) => `l${i}.tar`) }]));
    const archive = join(image, 'image.tar');
    execFileSync('tar', ['-C', out, '-cf', archive, 'l0.tar', 'l1.tar', 'l2.tar', 'l3.tar', 'cfg.json', 'manifest.json']);
    const worker = join(CHUNKS, 'layer-worker.js');
    expect(existsSync(worker)).toBe(true);
    // As on an 8-core machine: on 2 cores the calling thread searches all four layers itself.
    const audit = (): ReturnType<typeof spawnSync> =>
      spawnSync(process.execPath, ['--import', EIGHT_CORES, BIN, 'audit', archive, '--values-from-env', 'TOKEN'], { cwd: dir, encoding: 'utf8', env: { ...ENV, TOKEN: CANARY }, timeout: 60_000 });
    const found = audit();
    expect(found.stdout).toContain(`TOKEN (raw)  layer ${diffIds[2]}  /token`);
    expect(found.status).toBe(3);
    // Without the worker entry the layers given to workers are unscanned and named (the calling
    // thread searches a share of an archive file's layers itself): proof that workers did search.
    const aside = `${worker}.aside`;
    renameSync(worker, aside);
    try {
      const blind = audit();
      // 1 (unscanned layers), or 3 when the calling thread's share held the token: never 0.
      expect([1, 3]).toContain(blind.status);
      const named = diffIds.filter((id) => `${blind.stdout}${blind.stderr}`.includes(`unscanned layer ${id}: the scanning worker failed`));
      expect(named.length).toBeGreaterThan(0);
    } finally {
      renameSync(aside, worker);
    }
  });

  it('reads its version from the CLI package.json on the full path too', () => {
    const r = run(['--version', '--verbose']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string }).version);
  });

  describe('with a provider plugin that brings its own copy of @buildsecrets/core (vault, loaded at run time)', () => {
    it('resolves the secret', async () => {
      const project = await vaultProject('ok', vault.rootToken, '  npm_token: { from: ci, ref: secret/ci/npm, key: token }\n');
      const r = await runAsync(['check'], project);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('ok      npm_token (ci)');
    });

    it('keeps the plugin\'s errors typed across the two copies: codes in --json, exit 1, no value', async () => {
      const project = await vaultProject('missing', vault.rootToken, '  npm_token: { from: ci, ref: secret/ci/npm, key: token }\n  gone: { from: ci, ref: secret/ci/nothing-here }\n');
      const r = await runAsync(['check', '--json'], project);
      expect(r.status, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout) as { ok: boolean; entries: { id: string; ok: boolean; error?: { code: string; provider?: string; secretId?: string } }[] };
      expect(report.entries.find((e) => e.id === 'npm_token')?.ok).toBe(true);
      expect(report.entries.find((e) => e.id === 'gone')?.error).toMatchObject({ code: 'SECRET_NOT_FOUND', secretId: 'gone' });
    });

    it('maps an authentication failure to its code', async () => {
      const project = await vaultProject('denied', `hvs.wrong-${CANARY}`, '  npm_token: { from: ci, ref: secret/ci/npm, key: token }\n');
      const r = await runAsync(['check', '--json'], project);
      expect(r.status, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout) as { entries: { error?: { code: string } }[] };
      expect(report.entries[0]?.error?.code).toMatch(/^(AUTHENTICATION_FAILED|PERMISSION_DENIED)$/);
    });

    it('validates the plugin\'s options (its own zod copy) into a config error: exit 2, no stack trace', async () => {
      const project = join(dir, 'bad-options');
      await mkdir(project);
      await writeFile(join(project, 'buildsecrets.yaml'), `version: 1\nproviders:\n  ci: { use: vault, options: { address: 42 } }\nsecrets:\n  npm_token: { from: ci, ref: secret/ci/npm }\n`);
      const r = run(['check'], project);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^\[buildsecrets\] invalid config/);
      expect(r.stderr).toContain('providers.ci.options');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  });
});
