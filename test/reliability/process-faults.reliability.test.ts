import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { startVaultTestServer, type VaultTestServer } from '@buildsecrets/test-kit';
import { describeE2E } from '../e2e/support/engine.js';
import { canary, killAll, makeTmpRoot, startCli, type CliRun } from '../e2e/fixtures/build/cli.js';
import { expectNoCanaryIn } from '../setup/canary-values.js';
import { alive, descendants, kernelSocketInodes, socketInodes } from './support/proc.js';

// SIGINT and SIGTERM at five points of a real build (10 deliveries), a provider throwing
// mid-resolve, and a missing engine binary: afterwards no temp file (BUILDSECRETS_TMPDIR per test),
// no child process, and no socket the CLI or its children held may be left.
const FIXTURES = fileURLToPath(new URL('./fixtures/process-faults/', import.meta.url));
const PLUGIN = join(FIXTURES, 'slow-provider.mjs');

let tmp: Awaited<ReturnType<typeof makeTmpRoot>>;
let work: string;
let vault: VaultTestServer;

/** Everything the CLI and its descendants held while running, sampled every 50 ms. */
function watch(pid: number): { seen(): { pids: Set<number>; sockets: Set<string> }; stop(): Promise<{ pids: Set<number>; sockets: Set<string> }> } {
  const pids = new Set<number>();
  const sockets = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const p of [pid, ...(await descendants(pid))]) {
        if (p !== pid) pids.add(p);
        for (const inode of await socketInodes(p)) sockets.add(inode);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    seen: () => ({ pids, sockets }),
    async stop() {
      running = false;
      await loop;
      return { pids, sockets };
    },
  };
}

async function expectNothingLeft(run: CliRun, held: { pids: Set<number>; sockets: Set<string> }, secret: string): Promise<void> {
  expect(await alive(run.child.pid!)).toBe(false);
  expect(await tmp.entries()).toEqual([]);
  await expect.poll(async () => (await Promise.all([...held.pids].map(alive))).filter(Boolean).length, { timeout: 15_000, interval: 200, message: 'child processes left' }).toBe(0);
  await expect.poll(async () => { const live = await kernelSocketInodes(); return [...held.sockets].filter((i) => live.has(i)); }, { timeout: 10_000, interval: 200, message: 'sockets left' }).toEqual([]);
  expect(run.stdout() + run.stderr()).not.toContain(secret);
  expectNoCanaryIn(run.stdout() + run.stderr(), 'the CLI output');
}

async function writeConfig(name: string, provider: string, options: Record<string, unknown>): Promise<string> {
  const file = join(work, `${name}.yaml`);
  await writeFile(file, JSON.stringify({ version: 1, providers: { p: { use: provider, options } }, secrets: { token: { from: 'p', ref: 'secret/ci/token', ...(provider === 'vault' ? { key: 'value' } : {}) } } }));
  return file;
}

function build(config: string, dockerfile: string, tag: string, env: Record<string, string>, extra: string[] = []): CliRun {
  return startCli(['build', '--config', config, '-f', join(FIXTURES, dockerfile), '--network=host', '--progress=plain', '-t', tag, ...extra, FIXTURES], { BUILDSECRETS_TMPDIR: tmp.path, ...env });
}

interface Point {
  readonly name: string;
  readonly start: (secret: { value: string; nonce: string }) => Promise<{ run: CliRun; reached: () => Promise<boolean> }>;
  readonly exitsBySignal?: boolean;
  /** What the watcher must have seen, so "nothing left" cannot pass vacuously. */
  readonly holds?: { readonly children?: boolean; readonly sockets?: boolean };
}

const envConfig = (): Promise<string> => writeConfig('env', 'env', {}).then(async (f) => (await writeFile(f, JSON.stringify({ version: 1, providers: { p: { use: 'env' } }, secrets: { token: { from: 'p', ref: 'BS_RELIABILITY_TOKEN' } } })), f));

const POINTS: Point[] = [
  {
    // A real point, not "right after spawn": the config is loaded and the CLI is detecting the
    // engine, held there by a docker binary that marks its start and then hangs.
    name: 'at start-up (config loaded, engine detection running)',
    exitsBySignal: true,
    holds: { children: true },
    start: async (s) => {
      const marker = join(work, `startup-${s.nonce}`);
      const docker = join(work, `hanging-docker-${s.nonce}`);
      await writeFile(docker, `#!/bin/sh\ntouch '${marker}'\nexec sleep 60\n`, { mode: 0o755 });
      const run = build(await envConfig(), 'Dockerfile.slow', `bs-rel-early-${s.nonce}`, { BS_RELIABILITY_TOKEN: s.value, BUILDSECRETS_DOCKER: docker });
      return { run, reached: async () => existsSync(marker) };
    },
  },
  {
    name: 'during resolve (a slow plugin provider)',
    start: async (s) => {
      const marker = join(work, `marker-${s.nonce}`);
      const run = build(await writeConfig(`slow-${s.nonce}`, PLUGIN, { ms: 60_000, marker }), 'Dockerfile.slow', `bs-rel-plugin-${s.nonce}`, {});
      return { run, reached: async () => existsSync(marker) };
    },
  },
  {
    name: 'during resolve (Vault answering slowly)',
    holds: { sockets: true },
    start: async (s) => {
      vault.kv2('secret').put('ci/token', { value: s.value });
      vault.inject({ kind: 'latency', ms: 60_000 }, { path: 'secret/data/ci/' });
      const config = await writeConfig(`vault-${s.nonce}`, 'vault', { address: vault.url, auth: { method: 'token', token: vault.rootToken } });
      const before = vault.count({ path: 'secret/data/ci/token' });
      const run = build(config, 'Dockerfile.slow', `bs-rel-vault-${s.nonce}`, {});
      return { run, reached: async () => vault.count({ path: 'secret/data/ci/token' }) > before };
    },
  },
  {
    name: 'during the engine run (a RUN step with the secret mounted)',
    holds: { children: true, sockets: true },
    start: async (s) => {
      const run = build(await envConfig(), 'Dockerfile.slow', `bs-rel-engine-${s.nonce}`, { BS_RELIABILITY_TOKEN: s.value }, ['--no-cache', '--build-arg', `NONCE=${s.nonce}`]);
      return { run, reached: async () => run.stderr().includes(`step-started ${s.nonce}`) };
    },
  },
  {
    name: 'during the post-build audit (docker save of a 150 MB image)',
    holds: { children: true },
    start: async (s) => {
      const run = build(await envConfig(), 'Dockerfile.big', `bs-rel-audit-${s.nonce}`, { BS_RELIABILITY_TOKEN: s.value });
      return {
        run,
        reached: async () => {
          for (const pid of await descendants(run.child.pid!)) {
            const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
            if (cmd.split('\0').includes('save')) return true;
          }
          return false;
        },
      };
    },
  },
];

describeE2E('reliability: process faults leave nothing behind (real BuildKit)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bs-rel-proc-'));
    vault = await startVaultTestServer();
    // Warm the cache of the big image so the audit point is reached quickly and reliably.
    tmp = await makeTmpRoot();
    const warm = build(await envConfig(), 'Dockerfile.big', 'bs-rel-audit-warm', { BS_RELIABILITY_TOKEN: 'warm-value-not-secret' }, ['--no-audit']);
    expect((await warm.exit(300_000)).code, warm.stderr()).toBe(0);
    await tmp.remove();
  }, 320_000);
  beforeEach(async () => {
    tmp = await makeTmpRoot();
  });
  afterEach(async () => {
    killAll();
    vault.clearFaults();
    await tmp.remove();
  });
  afterAll(async () => {
    await vault?.close();
    await rm(work, { recursive: true, force: true });
  });

  for (const point of POINTS) {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      it(`${signal} ${point.name} → exit ${code}, nothing left`, async () => {
        const secret = canary(`proc-${signal}`);
        const { run, reached } = await point.start(secret);
        const watcher = watch(run.child.pid!);
        let exited = false;
        run.child.once('exit', () => (exited = true));
        await expect.poll(async () => exited || (await reached()), { timeout: 90_000, interval: 50 }).toBe(true);
        expect(exited, `the CLI exited before the point was reached:\n${run.stderr()}`).toBe(false);
        // Signal only once the watcher has recorded what the point holds, so "nothing left" is checked against it.
        if (point.holds?.children) await expect.poll(() => watcher.seen().pids.size, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
        if (point.holds?.sockets) await expect.poll(() => watcher.seen().sockets.size, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
        run.child.kill(signal);
        const exit = await run.exit(60_000);
        const held = await watcher.stop();
        // Before Node installed its handlers, the default action of the signal ends the process.
        if (point.exitsBySignal && exit.code === null) expect(exit.signal).toBe(signal);
        else expect(exit.code, run.stderr()).toBe(code);
        if (point.holds?.children) expect(held.pids.size).toBeGreaterThan(0);
        if (point.holds?.sockets) expect(held.sockets.size).toBeGreaterThan(0);
        await expectNothingLeft(run, held, secret.value);
      }, 180_000);
    }
  }

  it('a provider throwing mid-resolve → exit 1 with a typed error, nothing left', async () => {
    const secret = canary('proc-throw');
    const config = await writeConfig(`throw-${secret.nonce}`, PLUGIN, { ms: 300, marker: join(work, `m-${secret.nonce}`), fail: true });
    const run = build(config, 'Dockerfile.slow', `bs-rel-throw-${secret.nonce}`, {});
    const watcher = watch(run.child.pid!);
    const exit = await run.exit(60_000);
    const held = await watcher.stop();
    expect(exit.code).toBe(1);
    expect(run.stderr()).toContain('could not be resolved');
    expect(run.stderr()).not.toMatch(/\n\s+at .+:\d+:\d+/);
    await expectNothingLeft(run, held, secret.value);
  }, 60_000);

  it('the engine binary missing → a typed error naming it, nothing left', async () => {
    const secret = canary('proc-noengine');
    const run = build(await envConfig(), 'Dockerfile.slow', `bs-rel-noengine-${secret.nonce}`, { BS_RELIABILITY_TOKEN: secret.value, BUILDSECRETS_DOCKER: '/nonexistent/bin/docker' });
    const watcher = watch(run.child.pid!);
    const exit = await run.exit(60_000);
    const held = await watcher.stop();
    expect(exit.code).not.toBe(0);
    expect(run.stderr()).toContain('/nonexistent/bin/docker');
    expect(run.stderr()).not.toMatch(/\n\s+at .+:\d+:\d+/);
    await expectNothingLeft(run, held, secret.value);
  }, 60_000);
});
