import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, EngineError } from '../../errors/index.js';
import { createRedactor } from '../../redaction/redactor.js';
import { ENGINE_NAMES, type EngineAdapter } from '../engine-adapter.js';
import { runPush } from '../run-push.js';
import { makeFakeEngines } from './fake-engine.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

const run = promisify(execFile);
const CANARY = makeCanary('conformance');

/** How the suite gets an adapter: `binary` is a working fake, or a path that does not exist. */
export interface AdapterConformanceOptions {
  /** The adapter under test, calling `binary`. */
  readonly create: (binary: string) => EngineAdapter;
  /** Which fake binary the adapter calls. */
  readonly fake: 'docker' | 'podman' | 'buildah';
  /** Extra environment the fake needs to say the engine can build (e.g. FAKE_BUILDX=1). */
  readonly answeringEnv?: Readonly<Record<string, string>>;
}

/**
 * The contract every engine adapter keeps, run against a scripted fake of its binary: detection
 * that says why, a build command with the context last and no values in it, builds through the
 * shared spawn path (image id, exit codes, abort of the whole process group, redacted output),
 * and an export command that streams the image.
 */
export function runAdapterConformance(options: AdapterConformanceOptions): void {
  let fakes: Awaited<ReturnType<typeof makeFakeEngines>>;
  let work = '';
  const env = (extra: Record<string, string> = {}) => ({ PATH: process.env['PATH'], FAKE_SERVER: '4.3.1', FAKE_LOG: join(work, 'log'), SECRET_ENV: CANARY, ...options.answeringEnv, ...extra });
  const adapter = () => options.create(fakes.bin(options.fake));

  beforeAll(async () => {
    fakes = await makeFakeEngines();
    work = await mkdtemp(join(tmpdir(), 'bs-adapter-conf-'));
  });
  afterAll(async () => {
    await fakes.remove();
    await rm(work, { recursive: true, force: true });
  });

  describe(`engine adapter ${options.create('x').name}`, () => {
    it('has a known name, the binary it was given, and a complete set of capabilities', () => {
      const a = adapter();
      expect(ENGINE_NAMES).toContain(a.name);
      expect(a.binary).toBe(fakes.bin(options.fake));
      for (const key of ['secretMount', 'secretMountEnv', 'sshForwarding', 'buildArgFromEnv', 'imageId', 'imageExport'] as const) {
        expect(typeof a.capabilities[key]).toBe('boolean');
      }
    });

    it('detects an answering engine and gives its version and a reason', async () => {
      const probe = await adapter().detect({ env: env() });
      expect(probe.available, probe.reason).toBe(true);
      expect(probe.version).toMatch(/\d+\.\d+/);
      expect(probe.reason.length).toBeGreaterThan(0);
    });

    it('reports a missing binary as missing, with an EngineError naming it, without throwing', async () => {
      const probe = await options.create(join(work, 'no-such-binary')).detect({ env: env() });
      expect(probe.available).toBe(false);
      expect(probe.missing).toBe(true);
      expect(probe.error).toBeInstanceOf(EngineError);
      expect(probe.error?.message).toContain('no-such-binary');
    });

    it('reports an engine that does not answer as unavailable, with a reason', async () => {
      const probe = await adapter().detect({ env: env({ FAKE_SERVER: '' }) });
      expect(probe.available).toBe(false);
      expect(probe.missing).toBeFalsy();
      expect(probe.error).toBeInstanceOf(EngineError);
    });

    it('reads a local image\'s diff ids through its own engine, and says why when it cannot (never throws)', async () => {
      expect(await adapter().imageDiffIds('base:1', { env: env() })).toEqual(['sha256:fake-base:1']);
      expect(await readFile(join(work, 'log'), 'utf8')).toMatch(new RegExp(`^${options.fake} (image inspect|inspect --type image) .*base:1$`, 'm'));
      const missing = await adapter().imageDiffIds('gone:1', { env: env({ FAKE_NO_IMAGE: '1' }) });
      expect(missing).toMatchObject({ reason: expect.stringContaining('not in the local image store') });
      expect(await options.create(join(work, 'no-such-binary')).imageDiffIds('base:1', { env: env() })).toHaveProperty('reason');
    });

    it('builds a command with the binary first, --iidfile when asked, and the context last', () => {
      const { argv } = adapter().buildCommand(['-t', 'app', '--secret', 'id=a,src=/tmp/x', '.'], '/tmp/iid');
      expect(argv[0]).toBe(fakes.bin(options.fake));
      expect(argv.at(-1)).toBe('.');
      expect(argv.join(' ')).toContain('--iidfile /tmp/iid');
      expect(argv.join(' ')).toContain('-t app --secret id=a,src=/tmp/x .');
      expect(adapter().buildCommand(['.']).argv).not.toContain('--iidfile');
    });

    it('runs a build through the shared spawn path and reads the image id', async () => {
      const redactor = createRedactor();
      redactor.add('s', CANARY);
      const output = new PassThrough();
      let text = '';
      output.on('data', (c: Buffer) => (text += c.toString()));
      let spawned = 0;
      const built = await adapter().run({ args: ['--build-arg', 'SECRET_ENV', '.'], env: env(), redactor, output, iidFile: join(work, 'iid'), onSpawn: (pid) => (spawned = pid) });
      expect(built.exitCode).toBe(0);
      expect(built.imageId).toBe(`sha256:${'0'.repeat(63)}7`);
      expect(spawned).toBeGreaterThan(0);
      expect(text).toContain('building');
      expect(built.command.join(' ')).not.toContain(CANARY);
      expect(await readFile(join(work, 'log'), 'utf8')).not.toContain(CANARY);
    });

    it('rejects a failed build with an EngineError carrying the exit code', async () => {
      const err = await adapter().run({ args: ['.'], env: env({ FAKE_BUILD_EXIT: '9' }), redactor: createRedactor(), output: new PassThrough() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).exitCode).toBe(9);
    });

    it('stops the whole process group on abort', async () => {
      const controller = new AbortController();
      let group = 0;
      const running = adapter().run({ args: ['.'], env: env({ FAKE_BUILD_SLEEP: '30' }), redactor: createRedactor(), output: new PassThrough(), signal: controller.signal, killGraceMs: 1000, onSpawn: (pid) => (group = pid) });
      await expect.poll(() => group, { timeout: 5000 }).toBeGreaterThan(0);
      controller.abort();
      expect(await running.catch((e: unknown) => e)).toBeInstanceOf(AbortedError);
      await expect.poll(() => { try { process.kill(-group, 0); return true; } catch { return false; } }, { timeout: 3000 }).toBe(false);
    });

    it('pushes an already built image with the engine\'s own push, no credential on argv, and reports the digest', async () => {
      const a = adapter();
      expect(a.capabilities.push).toBe(true);
      expect(a.pushCommand).toBeTypeOf('function');
      const command = a.pushCommand!('127.0.0.1:5000/app:1', { digestFile: join(work, 'digest') });
      expect(command.argv[0]).toBe(fakes.bin(options.fake));
      expect(command.argv).toContain('push');
      expect(command.argv.join(' ')).not.toMatch(/--creds|--password|-p |--authfile/);
      const output = new PassThrough();
      const pushed = await runPush({ command, reference: '127.0.0.1:5000/app:1', env: env(), redactor: createRedactor(), output, digestFile: join(work, 'digest') });
      expect(pushed.digest).toBe(`sha256:${'0'.repeat(63)}9`);
    });

    it('rejects a failed push with an EngineError and stops an aborted one with its whole group', async () => {
      const command = adapter().pushCommand!('127.0.0.1:5000/app:1', {});
      const failed = await runPush({ command, reference: 'r', env: env({ FAKE_PUSH_EXIT: '4' }), redactor: createRedactor(), output: new PassThrough() }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(EngineError);
      expect((failed as Error).message).toContain('exited with code 4');
      const controller = new AbortController();
      let group = 0;
      const running = runPush({ command, reference: 'r', env: env({ FAKE_PUSH_SLEEP: '30' }), redactor: createRedactor(), output: new PassThrough(), signal: controller.signal, killGraceMs: 1000, onSpawn: (pid) => (group = pid) });
      await expect.poll(() => group, { timeout: 5000 }).toBeGreaterThan(0);
      controller.abort();
      expect(await running.catch((e: unknown) => e)).toBeInstanceOf(AbortedError);
      await expect.poll(() => { try { process.kill(-group, 0); return true; } catch { return false; } }, { timeout: 3000 }).toBe(false);
    });

    it('exports the image as a stream on stdout', async () => {
      const { argv, env: extra } = adapter().exportCommand('sha256:abc');
      const { stdout } = await run(argv[0]!, argv.slice(1), { env: { ...env(), ...extra } });
      expect(stdout).toContain('ARCHIVE');
      expect(stdout).toContain('abc');
    });
  });
}
