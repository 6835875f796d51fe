import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { DOCKER_BIN, E2E_DIR, describeE2E, docker } from '../e2e/support/engine.js';
import { canary, imageExists, killAll, makeTmpRoot, processesWithArg, startCli, type CliRun } from '../e2e/fixtures/build/cli.js';

// kill -9 of buildsecrets (the OOM killer, `timeout -s KILL`, a CI runner's hard stop) at five
// points of a real build: no handler runs, so only the watchdog can clean up. Within 5 s no
// plaintext may be left, no engine process may run; the image tag must not exist, or — when the
// engine had already finished — the image is reported as unaudited, then and by the next run.
const FIXTURES = fileURLToPath(new URL('./fixtures/hard-kill/', import.meta.url));
const WRAPPER = join(FIXTURES, 'docker-wrapper.sh');
const PLUGIN = fileURLToPath(new URL('./fixtures/process-faults/slow-provider.mjs', import.meta.url));
const CLEANUP_BOUND_MS = 5_000;

let tmp: Awaited<ReturnType<typeof makeTmpRoot>>;
let work = '';
let state = '';
let marks = '';

interface Point {
  readonly name: string;
  readonly dockerfile: 'Dockerfile.slow' | 'Dockerfile.quick';
  readonly env?: Record<string, string>;
  readonly provider?: 'slow';
  readonly reached: (run: CliRun, nonce: string) => boolean;
  /** The engine had finished when the kill came: the image exists and must be reported. */
  readonly imageBuilt: boolean;
  /** The secret file is on disk at this point (checked before the kill, so "nothing left" is not vacuous). */
  readonly secretsOnDisk?: boolean;
}

const POINTS: Point[] = [
  { name: 'while resolving (a slow provider)', dockerfile: 'Dockerfile.slow', provider: 'slow', imageBuilt: false, reached: () => existsSync(join(marks, 'resolving')) },
  { name: 'with the secret files written, the engine just started', dockerfile: 'Dockerfile.slow', env: { WRAP_BEFORE_BUILD: '30' }, imageBuilt: false, secretsOnDisk: true, reached: () => existsSync(join(marks, 'build-invoked')) },
  { name: 'while the engine runs a step with the secret mounted', dockerfile: 'Dockerfile.slow', imageBuilt: false, secretsOnDisk: true, reached: (run, nonce) => run.stderr().includes(`step-started ${nonce}`) },
  { name: 'while the audit reads the image', dockerfile: 'Dockerfile.quick', env: { WRAP_BEFORE_SAVE: '30' }, imageBuilt: true, reached: () => existsSync(join(marks, 'save-invoked')) },
  { name: 'after the engine finished, before its result reached buildsecrets', dockerfile: 'Dockerfile.quick', env: { WRAP_AFTER_BUILD: '30' }, imageBuilt: true, reached: () => existsSync(join(marks, 'build-done')) },
];

async function config(provider: 'env' | 'slow'): Promise<string> {
  const file = join(work, `${provider}.json`);
  const providers = provider === 'env' ? { p: { use: 'env' } } : { p: { use: PLUGIN, options: { ms: 60_000, marker: join(marks, 'resolving') } } };
  await writeFile(file, JSON.stringify({ version: 1, providers, secrets: { token: { from: 'p', ref: 'BS_HARDKILL_TOKEN' } } }));
  return file;
}

/** Every file under the secret temp roots that holds `value`. */
async function plaintextLeft(value: string): Promise<string[]> {
  const found: string[] = [];
  for (const root of [tmp.path, '/dev/shm', tmpdir()]) {
    for (const name of await readdir(root).catch((): string[] => [])) {
      if (!name.startsWith('buildsecrets-') && root !== tmp.path) continue;
      // The e2e services' own directory (default /tmp/buildsecrets-e2e: a daemon's data root, with
      // FIFOs a read would block on) is not the product's.
      if (join(root, name) === resolve(E2E_DIR) || (root !== tmp.path && name === 'buildsecrets-e2e')) continue;
      const top = join(root, name);
      for (const entry of [top, ...(await readdir(top, { recursive: true }).catch((): string[] => [])).map((e) => join(top, e))]) {
        const bytes = await readFile(entry).catch(() => undefined);
        if (bytes?.includes(value)) found.push(entry);
      }
    }
  }
  return found;
}

describeE2E('reliability: kill -9 of buildsecrets at five points of a real build (the watchdog cleans up)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bs-rel-hardkill-'));
  });
  beforeEach(async () => {
    tmp = await makeTmpRoot();
    marks = await mkdtemp(join(work, 'marks-'));
    state = await mkdtemp(join(work, 'state-'));
  });
  afterEach(async () => {
    killAll();
    await tmp.remove();
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  for (const point of POINTS) {
    it(`kill -9 ${point.name} → within 5 s no plaintext, no engine; ${point.imageBuilt ? 'the built image reported as unaudited, also by the next run' : 'no image tag'}`, async () => {
      const secret = canary('hardkill');
      const tag = `bs-rel-hardkill-${secret.nonce}`;
      const env = { BS_HARDKILL_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path, BUILDSECRETS_DOCKER: WRAPPER, WRAP_REAL_DOCKER: DOCKER_BIN, WRAP_DIR: marks, XDG_STATE_HOME: state, ...point.env };
      const run = startCli(['build', '--config', await config(point.provider ?? 'env'), '-f', join(FIXTURES, point.dockerfile), '--network=host', '--progress=plain', '--no-cache', '-t', tag, '--build-arg', `NONCE=${secret.nonce}`, FIXTURES], env);
      let exited = false;
      run.child.once('exit', () => (exited = true));
      await expect.poll(() => exited || point.reached(run, secret.nonce), { timeout: 120_000, interval: 50 }).toBe(true);
      expect(exited, `the CLI exited before the point was reached:\n${run.stderr()}`).toBe(false);
      // The secret files live exactly as long as the engine: before the kill they exist at points 2, 3 and 5.
      if (point.secretsOnDisk) expect(await plaintextLeft(secret.value), 'the secret file exists before the kill').not.toEqual([]);

      const killedAt = Date.now();
      run.child.kill('SIGKILL');
      await run.exit(10_000);
      const exitedAfter = Date.now() - killedAt;
      // One loop over all three conditions; the bound is taken at the START of the first pass that
      // finds everything clean, so the cost of scanning /proc and the temp roots does not count.
      let cleanAt: number | undefined;
      let last: unknown;
      while (cleanAt === undefined && Date.now() - killedAt < 20_000) {
        const passStart = Date.now();
        const [plain, entries, engine] = await Promise.all([plaintextLeft(secret.value), tmp.entries(), processesWithArg(tag)]);
        last = { plain, entries, engine };
        if (plain.length === 0 && entries.length === 0 && engine.length === 0) cleanAt = passStart;
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(cleanAt, `never clean: ${JSON.stringify(last)}`).toBeDefined();
      expect((cleanAt ?? Infinity) - killedAt, `cleanup bound: 5 s + 1 s margin (the CLI's pipes closed after ${exitedAfter} ms)`).toBeLessThan(CLEANUP_BOUND_MS + 1_000);

      if (!point.imageBuilt) {
        // BuildKit cancels the build once its client is gone: the tag never appears.
        await new Promise((r) => setTimeout(r, 1_000));
        expect(await imageExists(tag)).toBe(false);
        return;
      }
      const image = (await docker(['image', 'inspect', '--format', '{{.Id}}', tag])).trim();
      await expect.poll(() => run.stderr().includes(`buildsecrets audit ${image}`), { timeout: CLEANUP_BOUND_MS, interval: 100 }).toBe(true);
      // The next run's start-up sweep reports it too (then forgets the note).
      const next = startCli(['build', '--config', await config('env'), '-f', join(FIXTURES, 'Dockerfile.quick'), '--network=host', '--no-audit', FIXTURES], { ...env, BUILDSECRETS_DOCKER: DOCKER_BIN });
      const nextExit = await next.exit(120_000);
      expect(nextExit.code, next.stderr()).toBe(0);
      expect(next.stderr()).toContain(`a previous run was killed after the engine built ${image} and before its audit`);
      await docker(['rmi', '-f', tag]).catch(() => undefined);
    }, 240_000);
  }
});
