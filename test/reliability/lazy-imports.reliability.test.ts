import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARIES, expectNoCanaryIn } from '../setup/canary-values.js';
// A plain .mjs helper (typed by heavy-modules.d.mts), shared with bench/startup.mjs.
import { heavyModulesIn as heavy, runRecorded as record, type RecordedRun } from './support/heavy-modules.mjs';

/** The built CLI: `npm test` runs `tsc -b` and the bundler first, and the startup benchmark measures this same file. */
const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
/** What bin.js imports: core, env, keywhiz, zod, yaml and tsyringe inlined into one file. */
const BUNDLE = fileURLToPath(new URL('../../packages/cli/dist/cli.bundle.js', import.meta.url));
/** The bundle's entry and the chunks it loads on demand (code only some commands need), as one text. */
const CHUNKS = fileURLToPath(new URL('../../packages/cli/dist/cli-chunks', import.meta.url));
function bundleText(): string {
  const chunks = existsSync(CHUNKS) ? readdirSync(CHUNKS).map((f) => readFileSync(`${CHUNKS}/${f}`, 'utf8')) : [];
  return [readFileSync(BUNDLE, 'utf8'), ...chunks].join('\n');
}
/** esbuild's record of every module inlined into the bundle (paths relative to the repository). */
const METAFILE = fileURLToPath(new URL('../../packages/cli/dist/cli.bundle.meta.json', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * With a bundle, a module is "loaded" either by an import at run time (the recorder sees it) or by
 * being inlined into the bundle (the metafile lists it). Absolute paths, like the recorder's.
 */
function inlinedModules(): string[] {
  expect(existsSync(METAFILE), `${METAFILE} is missing: run \`npm run build\` (tsc -b, then the bundle)`).toBe(true);
  const meta = JSON.parse(readFileSync(METAFILE, 'utf8')) as { inputs: Record<string, unknown> };
  return Object.keys(meta.inputs).map((input) => resolve(ROOT, input));
}

let dir: string;

const ENV_AND_KEYWHIZ = `version: 1
providers:
  local: { use: env }
  files: { use: keywhiz, options: { mode: directory, root: ./secrets } }
secrets:
  npm_token: { from: local, ref: BS_LAZY_TOKEN }
  deploy_key: { from: files, ref: deploy, inject: ssh-agent }
  cert: { from: files, ref: cert, inject: served-file }
`;

const VAULT_ONLY = `version: 1
providers:
  vault: { use: vault, options: { address: "http://127.0.0.1:1", auth: { method: token, token: "${CANARIES.config}" } } }
secrets:
  npm_token: { from: vault, ref: secret/ci/npm, key: token }
resolve: { retries: 0, timeoutMs: 2000, deadlineMs: 5000 }
`;

const SNEAKER_ONLY = `version: 1
providers:
  store: { use: sneaker, options: { path: "s3://bucket/ci/", region: us-east-1, endpoints: { s3: "http://127.0.0.1:1", kms: "http://127.0.0.1:1" }, forcePathStyle: true } }
secrets:
  npm_token: { from: store, ref: npm }
resolve: { retries: 0, timeoutMs: 2000, deadlineMs: 5000 }
`;

const SNEAKER_PACK_ONLY = `version: 1
providers:
  pack: { use: sneaker, options: { pack: ./secrets.tar.enc, region: us-east-1, endpoints: { kms: "http://127.0.0.1:1" } } }
secrets:
  npm_token: { from: pack, ref: npm }
resolve: { retries: 0, timeoutMs: 2000, deadlineMs: 5000 }
`;

const SSM_ONLY = `version: 1
providers:
  params: { use: ssm, options: { region: us-east-1, endpoint: "http://127.0.0.1:1" } }
secrets:
  npm_token: { from: params, ref: /ci/npm }
resolve: { retries: 0, timeoutMs: 2000, deadlineMs: 5000 }
`;

/** The AWS SDK client packages a run loaded (`client-s3`, `client-kms`, ...). */
const awsClients = (modules: readonly string[]): string[] =>
  [...new Set(modules.map((m) => /\/node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(m)?.[1]).filter((c): c is string => c !== undefined))].sort();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bs-lazy-'));
  await mkdir(join(dir, 'secrets'));
  await writeFile(join(dir, 'secrets', 'deploy'), CANARIES.provider);
  await writeFile(join(dir, 'secrets', 'cert'), CANARIES.other);
  await writeFile(join(dir, 'buildsecrets.yaml'), ENV_AND_KEYWHIZ);
  // An ssh mount in the Dockerfile: plan cross-checks it, and must still not load ssh2.
  await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=npm_token --mount=type=ssh true\n');
  await mkdir(join(dir, 'vault'));
  await writeFile(join(dir, 'vault', 'buildsecrets.yaml'), VAULT_ONLY);
  for (const [name, text] of [['sneaker', SNEAKER_ONLY], ['sneaker-pack', SNEAKER_PACK_ONLY], ['ssm', SSM_ONLY]] as const) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'buildsecrets.yaml'), text);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(args: readonly string[], cwd: string): RecordedRun {
  expect(existsSync(CLI), `${CLI} is missing: run \`npx tsc -b\` first`).toBe(true);
  const run = record(CLI, args, { cwd, env: { BS_LAZY_TOKEN: CANARIES.env, NO_COLOR: '1' }, timeoutMs: 30_000 });
  expectNoCanaryIn(run.stdout + run.stderr, `the output of buildsecrets ${args.join(' ')}`);
  return run;
}

describe('a run with only env and keywhiz providers loads no cloud SDK, no node-vault and no ssh2', () => {
  it('the bundle inlines none of them (it does inline core, env, keywhiz, zod and yaml)', () => {
    const inlined = inlinedModules();
    for (const part of ['/packages/core/', '/packages/providers/env/', '/packages/providers/keywhiz/', '/node_modules/zod/', '/node_modules/yaml/']) {
      expect(inlined.some((m) => m.includes(part)), part).toBe(true);
    }
    expect(heavy(inlined)).toEqual([]);
    // Independent of the metafile: ssh2 (core's only static import of one) is left as a runtime import.
    expect(bundleText()).toMatch(/import\("ssh2"\)/);
  });

  it('`plan` (config + Dockerfile cross-check) runs from the bundle and imports none of them at run time', () => {
    const run = cli(['plan'], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.modules.some((m) => m.endsWith('/packages/cli/dist/cli.bundle.js'))).toBe(true);
    expect(heavy(run.modules)).toEqual([]);
    // Nor the built-ins only a build needs: node:http (whose ESM facade loads undici), tls, zlib, crypto.
    expect(run.modules.filter((m) => /node:(https?|tls|zlib|crypto|child_process|worker_threads)$/.test(m))).toEqual([]);
  });

  it('`check` (creates both providers and resolves every value)', () => {
    const run = cli(['check'], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(heavy(run.modules)).toEqual([]);
  });

  it('`--version`, which loads nothing but the version module', () => {
    const run = cli(['--version'], dir);
    expect(run.status).toBe(0);
    expect(run.modules.filter((m) => m.includes('/packages/core/'))).toEqual([]);
    expect(heavy(run.modules)).toEqual([]);
  });
});

const ZOD_PROBE = fileURLToPath(new URL('./support/zod-probe.mjs', import.meta.url));

/** Run the CLI with the zod probe: whether any zod code ran, and the run. */
function zodEvaluated(args: readonly string[], cwd: string): { evaluated: boolean; status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', ZOD_PROBE, CLI, ...args], { cwd, env: { PATH: process.env['PATH'], BS_LAZY_TOKEN: CANARIES.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 30_000 });
  const verdict = /\[zod-probe\] zod (not )?evaluated/.exec(run.stderr);
  expect(verdict, run.stderr).not.toBeNull();
  expectNoCanaryIn(run.stdout + run.stderr, `the output of buildsecrets ${args.join(' ')}`);
  return { evaluated: verdict![1] === undefined, status: run.status, stderr: run.stderr };
}

describe('`plan` reads a usual config without zod (#11: start-up)', () => {
  it('builds no zod schema: the config and the env/keywhiz options pass the hand-written checks', () => {
    const run = zodEvaluated(['plan'], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.evaluated).toBe(false);
  });

  it('does not even read the bundle chunks that hold zod or yaml (each its own chunk, imported on demand)', () => {
    const meta = JSON.parse(readFileSync(METAFILE, 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const holding = (pkg: string): string[] =>
      Object.entries(meta.outputs)
        .filter(([out, o]) => out.endsWith('.js') && Object.keys(o.inputs).some((input) => input.includes(`node_modules/${pkg}/`)))
        .map(([out]) => resolve(ROOT, out));
    const zodChunks = holding('zod');
    const yamlChunks = holding('yaml');
    expect(zodChunks.length).toBeGreaterThan(0);
    expect(yamlChunks.length).toBeGreaterThan(0);
    const run = cli(['plan'], dir);
    expect(run.status, run.stderr).toBe(0);
    const read = (chunks: readonly string[]) => run.modules.filter((m) => chunks.some((c) => m.endsWith(c)));
    expect(read(zodChunks)).toEqual([]);
    expect(read(yamlChunks)).toEqual([]);
    // The detection sees chunks: the plan command's own chunk is there.
    expect(run.modules.some((m) => /\/cli-chunks\/plan-[A-Z0-9]+\.js$/.test(m))).toBe(true);
  });

  it('reads the CLI from two files beyond dist/bin.js: the entry and one file for everything `plan` adds (no tiny shared chunks)', () => {
    // esbuild's splitting alone left 25 files here at ≈ 0.4 ms each; scripts/coalesce-chunks.mjs merges them.
    const run = cli(['plan'], dir);
    expect(run.status, run.stderr).toBe(0);
    const cliFiles = [...new Set(run.modules.filter((m) => m.includes('/packages/cli/dist/')).map((m) => m.replace(/^.*\/packages\/cli\/dist\//, '')))];
    expect(cliFiles.sort()).toEqual(['bin.js', expect.stringMatching(/^cli-chunks\/plan-[A-Z0-9]+\.js$/), 'cli.bundle.js']);
  });

  it('and loads no node:net (the served-file host check takes it only when a host is set)', () => {
    const run = cli(['plan'], dir);
    expect(run.modules.filter((m) => /node:net$/.test(m))).toEqual([]);
  });

  it('a config with a problem is still worded by the zod schema (so the probe can see zod)', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, 'buildsecrets.yaml'), ENV_AND_KEYWHIZ.replace('secrets:\n', 'resolve: { retries: many }\nsecrets:\n'));
    const run = zodEvaluated(['plan'], bad);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('resolve.retries');
    expect(run.evaluated).toBe(true);
  });

  it('keywhiz server options, which the fast check leaves to the schema, build it', async () => {
    const server = join(dir, 'kw-server');
    await mkdir(server, { recursive: true });
    await writeFile(join(server, 'buildsecrets.yaml'), 'version: 1\nproviders:\n  kw: { use: keywhiz, options: { url: "https://127.0.0.1:1", clientCert: c.pem, clientKey: k.pem, ca: ca.pem } }\nsecrets:\n  a: { from: kw, ref: a }\n');
    const run = zodEvaluated(['plan'], server);
    expect(run.status, run.stderr).toBe(0);
    expect(run.evaluated).toBe(true);
  });
});

describe('the detection itself (so the assertions above cannot pass vacuously)', () => {
  it('sees node-vault and the vault provider once a vault provider is created', () => {
    const run = cli(['check'], join(dir, 'vault'));
    expect(run.status).toBe(1);
    expect(heavy(run.modules)).toEqual(['node-vault', 'vault provider']);
  });

  it('sees CommonJS requires as well as ESM imports (node-vault is CommonJS, the vault provider ESM)', () => {
    const run = cli(['check'], join(dir, 'vault'));
    expect(run.modules.some((m) => m.startsWith('cjs:') && m.includes('/node_modules/node-vault/'))).toBe(true);
    expect(run.modules.some((m) => m.startsWith('esm:') && m.includes('/packages/providers/vault/'))).toBe(true);
  });

  it('sees what is inlined in the bundle (so a heavy module bundled by mistake would be caught)', () => {
    expect(heavy(['/work/node_modules/ssh2/lib/index.js'])).toEqual(['ssh2']);
    expect(inlinedModules().every((m) => m.startsWith('/'))).toBe(true);
  });
});

describe('the sneaker and ssm providers load their AWS SDK clients only when a config uses them', () => {
  it('an env-only run loads neither provider nor any @aws-sdk client (the env-and-keywhiz runs above, checked by client)', () => {
    const run = cli(['check'], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(awsClients(run.modules)).toEqual([]);
  });

  it('a sneaker config loads the sneaker provider with client-s3 and client-kms, and not client-ssm', () => {
    const run = cli(['check'], join(dir, 'sneaker'));
    expect(run.status).toBe(1);
    expect(heavy(run.modules)).toEqual(['AWS SDK', 'sneaker provider']);
    expect(awsClients(run.modules)).toEqual(['client-kms', 'client-s3']);
  });

  it('a sneaker config reading only a pack file loads client-kms and never client-s3', () => {
    const run = cli(['check'], join(dir, 'sneaker-pack'));
    expect(run.status).toBe(1);
    expect(heavy(run.modules)).toEqual(['AWS SDK', 'sneaker provider']);
    expect(awsClients(run.modules)).toEqual(['client-kms']);
  });

  it('an ssm config loads the ssm provider with client-ssm only', () => {
    const run = cli(['check'], join(dir, 'ssm'));
    expect(run.status).toBe(1);
    expect(heavy(run.modules)).toEqual(['AWS SDK', 'ssm provider']);
    expect(awsClients(run.modules)).toEqual(['client-ssm']);
  });
});
