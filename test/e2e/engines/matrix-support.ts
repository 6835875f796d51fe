import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { servedFileHelperPath } from '@buildsecrets/core';
import { makeKey } from '../../../packages/core/src/strategies/ssh-agent/__fixtures__/openssh.js';
import { BASE_IMAGE, DOCKER_BIN, E2E_DIR } from '../support/engine.js';

const run = promisify(execFile);

/** The fixture directory of the engine matrix. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/engines/', import.meta.url));
/** The compiled CLI (`npm test` runs `tsc -b` first). */
export const CLI = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
/** The image with busybox and ssh-add (scripts/e2e-services.sh). */
export const SSH_IMAGE = 'buildsecrets-test/ssh:latest';

/**
 * The second dockerd (scripts/e2e-services.sh start_remote_dockerd): its TCP address and how it was
 * set up; with `remote-loopback`, the third one, always on a loopback TCP port (start_loopback_dockerd).
 */
export function remoteDaemon(which: 'remote' | 'remote-loopback' = 'remote'): { host: string; mode: 'netns' | 'loopback'; servedFileHost: string; unixHost: string } | undefined {
  const file = join(E2E_DIR, which, 'endpoint.env');
  if (!existsSync(file)) return undefined;
  const vars = Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=', 2) as [string, string]));
  if (!vars['REMOTE_DOCKER_HOST']) return undefined;
  return { host: vars['REMOTE_DOCKER_HOST'], mode: vars['REMOTE_MODE'] === 'netns' ? 'netns' : 'loopback', servedFileHost: vars['REMOTE_SERVED_FILE_HOST'] ?? '127.0.0.1', unixHost: `unix://${join(E2E_DIR, which, 'docker.sock')}` };
}

/** One engine of the matrix: how buildsecrets is pointed at it, and how the test reads images back on its own. */
export interface MatrixEngine {
  /** Label in test names. */
  readonly label: string;
  /** The `--engine` value. */
  readonly engine: string;
  /** Environment for the CLI (DOCKER_HOST, …). */
  readonly env: Readonly<Record<string, string>>;
  /** The test's own command streaming an image as a docker-archive tar (independent of the product's adapters). */
  exportArgv(image: string): string[];
  /** Remove images. */
  removeArgv(images: readonly string[]): string[];
  /** The test's own plain build (no secrets) of `file` in `dir`, tagged `image`. */
  buildArgv(image: string, file: string, dir: string): string[];
  /** Whether it is there; the reason when not. */
  available(): Promise<string | undefined>;
}

async function answers(file: string, args: string[], env: Record<string, string> = {}): Promise<string | undefined> {
  try {
    await run(file, args, { env: { ...process.env, ...env }, timeout: 20_000 });
    return undefined;
  } catch (error) {
    return `${file} ${args.join(' ')} failed: ${String((error as Error).message).split('\n')[0]}`;
  }
}

function dockerEngine(label: string, engine: string, host: string): MatrixEngine {
  return {
    label,
    engine,
    env: { DOCKER_HOST: host, BUILDSECRETS_DOCKER: DOCKER_BIN },
    exportArgv: (image) => [DOCKER_BIN, '-H', host, 'save', image],
    removeArgv: (images) => [DOCKER_BIN, '-H', host, 'rmi', '-f', ...images],
    buildArgv: (image, file, dir) => [DOCKER_BIN, '-H', host, 'build', '--network=host', '-q', '-t', image, '-f', file, dir],
    available: () => answers(DOCKER_BIN, ['-H', host, 'image', 'inspect', BASE_IMAGE, SSH_IMAGE]),
  };
}

/** Every engine the matrix builds on. Buildx has no Debian package here; its adapter is covered by the conformance suite. */
export function matrixEngines(): MatrixEngine[] {
  const local = `unix://${join(E2E_DIR, 'docker.sock')}`;
  const remote = remoteDaemon();
  return [
    dockerEngine('docker-buildkit (local daemon)', 'docker-buildkit', local),
    {
      label: 'podman',
      engine: 'podman',
      env: {},
      exportArgv: (image) => ['podman', 'save', '--format', 'docker-archive', image],
      removeArgv: (images) => ['podman', 'rmi', '-f', ...images],
      buildArgv: (image, file, dir) => ['podman', 'build', '--network=host', '-q', '-t', image, '-f', file, dir],
      available: () => answers('podman', ['image', 'exists', SSH_IMAGE]),
    },
    {
      label: 'buildah',
      engine: 'buildah',
      env: {},
      exportArgv: (image) => ['bash', '-c', 'set -o pipefail; buildah push --quiet "$0" docker-archive:/dev/stdout | cat', image],
      removeArgv: (images) => ['buildah', 'rmi', '-f', ...images],
      buildArgv: (image, file, dir) => ['buildah', 'build', '--network=host', '-q', '-t', image, '-f', file, dir],
      available: () => answers('buildah', ['inspect', '--type', 'image', SSH_IMAGE]),
    },
    {
      ...dockerEngine(`docker-buildkit (remote daemon over TCP, ${remote?.mode ?? 'not started'})`, 'docker-buildkit', remote?.host ?? 'tcp://127.0.0.1:1'),
      available: async () => (remote ? answers(DOCKER_BIN, ['-H', remote.host, 'image', 'inspect', BASE_IMAGE, SSH_IMAGE]) : 'no remote dockerd (scripts/e2e-services.sh start)'),
    },
  ];
}

/**
 * `describe` for one engine: skipped with a reason when it is missing, or one failing test with
 * REQUIRE_E2E=1, so a missing engine never counts as a pass.
 */
export function describeEngine(engine: MatrixEngine, missing: string | undefined, body: () => void): void {
  if (!missing) return describe(engine.label, body);
  if (process.env['REQUIRE_E2E'] === '1') {
    return describe(engine.label, () => it(`needs ${engine.label} (REQUIRE_E2E=1)`, () => { throw new Error(`engine unavailable: ${missing}`); }));
  }
  process.stderr.write(`[e2e] skipping ${engine.label}: ${missing}\n`);
  describe.skip(engine.label, body);
}

/** The matrix secrets: fresh values, an ed25519 key and what the build must record for each. */
export async function matrixSecrets(dir: string): Promise<{ env: Record<string, string>; values: Record<string, string>; expected: { file: string; env: string; ssh: string } }> {
  const file = `canary-file-${randomBytes(12).toString('hex')}`;
  const envValue = `canary-env-${randomBytes(12).toString('hex')}`;
  const key = await makeKey(dir, 'matrix', 'ed25519', { comment: 'matrix' });
  const privateKey = key.privateKey.toString('utf8');
  const sha = (v: string) => createHash('sha256').update(v).digest('hex');
  return {
    env: { BS_M_FILE: file, BS_M_ENV: envValue, BS_M_KEY: privateKey },
    values: { file_secret: file, env_secret: envValue, deploy_key: privateKey },
    expected: { file: sha(file), env: sha(envValue), ssh: key.fingerprint },
  };
}

/** A fresh build context: the fixtures plus the served-file helper. */
export async function makeContext(): Promise<{ path: string; tmp: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'bs-e2e-matrix-ctx-'));
  for (const name of await readdir(FIXTURES)) await copyFile(join(FIXTURES, name), join(path, name));
  await copyFile(servedFileHelperPath(), join(path, 'buildsecrets-fetch'));
  const tmp = join(path, '.tmp-root');
  await mkdir(tmp);
  return { path, tmp, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Run the CLI to completion (bounded). */
export function runCli(args: readonly string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`buildsecrets ${args.join(' ')} did not exit in time\n${stderr}`));
    }, 240_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Read files back from a built image through the engine's own export (the test's command, not the product's). */
export async function readImageFiles(argv: readonly string[], env: Record<string, string>, paths: readonly string[]): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-e2e-matrix-read-'));
  try {
    const archive = join(dir, 'image.tar');
    await new Promise<void>((resolve, reject) => {
      const out = spawn('sh', ['-c', '"$@" > "$0"', archive, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      out.stderr.on('data', (c: Buffer) => (err += c.toString()));
      out.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} failed: ${err}`))));
    });
    const top = join(dir, 'top');
    const rootfs = join(dir, 'rootfs');
    await mkdir(top);
    await mkdir(rootfs);
    await run('tar', ['-xf', archive, '-C', top]);
    const manifest = JSON.parse(await readFile(join(top, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
    for (const layer of manifest[0]?.Layers ?? []) await run('tar', ['-xf', join(top, layer), '-C', rootfs]);
    const out: Record<string, string> = {};
    for (const p of paths) out[p] = (await readFile(join(rootfs, p), 'utf8').catch(() => '<missing>')).trim();
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pids of processes (other than this one) whose command line mentions `text`. */
export async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`).catch(() => undefined);
    if (cmdline?.toString('utf8').includes(text)) pids.push(Number(name));
  }
  return pids;
}

/**
 * Why a process outlived its build, for a failure message: its state, parent and the working
 * containers its mounts name (`overlay-containers/<id>`), and which of those still exist with which
 * recorded run id. Ids and paths only: never a file's content.
 */
export async function describeSurvivors(pids: readonly number[], graphRoot = '/var/lib/containers/storage'): Promise<string> {
  const lines: string[] = [];
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const mounts = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
    const ids = [...new Set([...mounts.matchAll(/overlay-containers\/([0-9a-f]{64})\//g)].map((m) => m[1]!))];
    const containers = await Promise.all(
      ids.map(async (id) => {
        const state = await readFile(join(graphRoot, 'overlay-containers', id, 'userdata', 'buildah.json'), 'utf8').catch(() => undefined);
        const runId = state === undefined ? 'no buildah.json' : (/"BUILDSECRETS_RUN_ID":"([0-9a-f]+)"/.exec(state)?.[1] ?? 'no run id in buildah.json');
        return `${id.slice(0, 12)} (${runId})`;
      }),
    );
    lines.push(`pid ${pid} state ${rest[0] ?? '?'} ppid ${rest[1] ?? '?'}; mounts of working containers: ${containers.join(', ') || 'none'}`);
  }
  return lines.join('\n');
}

/**
 * Files podman/buildah keep for a working container's secret mounts
 * (`<graphroot>/overlay-containers/<id>/userdata/secrets/*`) that hold any of `values`: an
 * interrupted build must leave none.
 */
export async function containersStorageFilesHolding(values: readonly string[]): Promise<string[]> {
  const dir = '/var/lib/containers/storage/overlay-containers';
  const found: string[] = [];
  for (const id of await readdir(dir).catch(() => [] as string[])) {
    const secrets = join(dir, id, 'userdata', 'secrets');
    for (const name of await readdir(secrets).catch(() => [] as string[])) {
      const content = await readFile(join(secrets, name), 'utf8').catch(() => '');
      if (values.some((v) => content.includes(v))) found.push(join(secrets, name));
    }
    const state = await readFile(join(dir, id, 'userdata', 'buildah.json'), 'utf8').catch(() => '');
    if (values.some((v) => state.includes(v))) found.push(join(dir, id, 'userdata', 'buildah.json'));
  }
  return found;
}

/** Files in /dev/shm holding one of `values`: podman/buildah copy an env-sourced secret there for the RUN step. */
export async function shmFilesHolding(values: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir('/dev/shm').catch(() => [] as string[])) {
    const content = await readFile(join('/dev/shm', name), 'utf8').catch(() => '');
    if (values.some((v) => content.includes(v))) found.push(join('/dev/shm', name));
  }
  return found;
}

/** Runtime bundles (`/var/tmp/buildah<n>`) of working containers that no longer exist: an interrupted build's litter. */
export async function orphanedBundles(): Promise<string[]> {
  const found: string[] = [];
  const containers = await readdir('/var/lib/containers/storage/overlay-containers').catch(() => [] as string[]);
  for (const name of await readdir('/var/tmp').catch(() => [] as string[])) {
    if (!/^buildah\d+$/.test(name)) continue;
    const hostname = (await readFile(join('/var/tmp', name, 'hostname'), 'utf8').catch(() => '')).trim();
    if (hostname && !containers.some((id) => id.startsWith(hostname))) found.push(join('/var/tmp', name));
  }
  return found;
}
