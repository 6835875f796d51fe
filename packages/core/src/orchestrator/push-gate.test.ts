import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { AbortedError, AuditError, EngineError, LeakDetectedError, UsageError } from '../errors/index.js';
import { makeFakeEngines } from '../engine/__fixtures__/fake-engine.js';
import { createLogger } from '../logging/logger.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import { makeTempDir } from '../util/temp-dir.js';
import type { BuildSteps } from './build-steps.js';
import type { BuildOptions, BuildSession } from './build-types.js';
import { runBuild } from './run-build.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('push-gate-token');
const DIGEST = `sha256:${'0'.repeat(63)}9`;
let fakes: Awaited<ReturnType<typeof makeFakeEngines>>;
let work = '';
let logs: string[] = [];

beforeAll(async () => {
  fakes = await makeFakeEngines();
});
afterAll(() => fakes.remove());
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'bs-push-gate-'));
  await mkdir(join(work, 'ctx'));
  await mkdir(join(work, 'tmp'));
  await writeFile(join(work, 'ctx', 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=token,required=true true\n');
  logs = [];
});
afterEach(() => rm(work, { recursive: true, force: true }));

function session(env: Record<string, string> = {}, push?: boolean): BuildSession {
  const redactor = createRedactor();
  const fullEnv = { PATH: process.env['PATH'], FAKE_SERVER: '20.10.24', FAKE_LOG: join(work, 'engine.log'), BUILDSECRETS_TMPDIR: join(work, 'tmp'), ...env };
  return {
    config: configSchema.parse({ version: 1, providers: { local: { use: 'env' } }, secrets: { token: { from: 'local', ref: 'TOKEN' } }, ...(push !== undefined ? { build: { push } } : {}) }),
    baseDir: work,
    env: fullEnv,
    redactor,
    logger: createLogger(redactor, { level: 'debug', write: (line) => logs.push(line) }),
    async resolveAll() {
      const value = SecretValue.from(CANARY);
      redactor.add('token', value);
      return new Map([['token', value]]);
    },
    strategy: () => ({
      kind: 'secret-mount',
      async prepare(secrets, context) {
        const dir = await context.tempDir('s');
        for (const s of secrets) await writeFile(join(dir.path, s.id), s.value.reveal(), { mode: 0o600 });
        return { engineArgs: secrets.flatMap((s) => ['--secret', `id=${s.id},src=${join(dir.path, s.id)}`]), env: {}, summary: [], async dispose() {} };
      },
    }),
    tempDir: (prefix) => makeTempDir(prefix, fullEnv),
  };
}

const clean: BuildSteps = { auditImage: async () => ({ clean: true, findings: [], layers: 1 }) };
const leaky: BuildSteps = { auditImage: async () => ({ clean: false, findings: [{ secretId: 'token', encoding: 'raw', location: { kind: 'layer', layer: 'sha256:abc', path: 'app/token' } }], layers: 1 }) };
const partial: BuildSteps = { auditImage: async () => ({ clean: false, findings: [], unscanned: ['sha256:def: zstd layer'], layers: 1 }) };
const opts = (binary: 'docker' | 'podman' | 'buildah', extra: Partial<BuildOptions> = {}): BuildOptions => ({
  context: join(work, 'ctx'), engine: binary === 'docker' ? 'docker-buildkit' : binary, docker: fakes.bin('docker'), engineArgs: ['-t', '127.0.0.1:5000/app:1'], output: new PassThrough(), push: true, ...extra,
});
const engineLog = async () => (await readFile(join(work, 'engine.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
const pushes = async () => (await engineLog()).filter((l) => / push /.test(l) && !l.includes('docker-archive:'));
const engineEnv = (binary: 'docker' | 'podman' | 'buildah') => (binary === 'docker' ? {} : { BUILDSECRETS_PODMAN: fakes.bin('podman'), BUILDSECRETS_BUILDAH: fakes.bin('buildah'), PATH: `${fakes.dir}:${process.env['PATH'] ?? ''}` });

describe('the push gate (build --push)', () => {
  for (const binary of ['docker', 'podman', 'buildah'] as const) {
    describe(`on ${binary}`, () => {
      it('pushes every tag with the engine\'s own push only after a clean audit, and reports each digest', async () => {
        const result = await runBuild(session(engineEnv(binary)), opts(binary, { engineArgs: ['-t', '127.0.0.1:5000/app:1', '--tag=127.0.0.1:5000/app:latest'] }), clean);
        expect(result.pushed).toEqual([{ reference: '127.0.0.1:5000/app:1', digest: DIGEST }, { reference: '127.0.0.1:5000/app:latest', digest: DIGEST }]);
        const log = await engineLog();
        const build = log.findIndex((l) => / build /.test(l));
        const push = log.findIndex((l) => / push /.test(l) && !l.includes('docker-archive:'));
        expect(build).toBeGreaterThanOrEqual(0);
        expect(push).toBeGreaterThan(build);
        // The build itself never pushes.
        expect(log[build]).not.toMatch(/--push|type=registry/);
        for (const line of [...log, ...logs]) expect(line).not.toContain(CANARY);
        expect(logs.join('\n')).toContain(`pushed 127.0.0.1:5000/app:1 (${DIGEST})`);
      });

      it('pushes nothing when the audit finds a leak (LeakDetectedError, exit 3)', async () => {
        const err = await runBuild(session(engineEnv(binary)), opts(binary), leaky).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LeakDetectedError);
        expect(await pushes()).toEqual([]);
      });

      it('pushes nothing when a layer could not be searched', async () => {
        const err = await runBuild(session(engineEnv(binary)), opts(binary), partial).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AuditError);
        expect(await pushes()).toEqual([]);
      });
    });
  }

  it('adds --load to a buildx build so the image lands in the daemon, where docker push takes it', async () => {
    await runBuild(session({ FAKE_BUILDX: '1' }), opts('docker', { engine: 'docker-buildx' }), clean);
    const build = (await engineLog()).find((l) => / buildx build /.test(l));
    expect(build).toContain('--load');
    expect(await pushes()).toHaveLength(1);
  });

  it('build.push: true in the config turns the gate on; push: false on the command line turns it off', async () => {
    expect((await runBuild(session({}, true), opts('docker', { push: undefined }), clean)).pushed).toHaveLength(1);
    expect((await runBuild(session({}, true), opts('docker', { push: false }), clean)).pushed).toBeUndefined();
  });

  it('warn is raised to fail for a push: a leak still stops the push', async () => {
    const err = await runBuild(session(), opts('docker', { audit: 'warn' }), leaky).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeakDetectedError);
    expect(await pushes()).toEqual([]);
  });

  it('refuses, before anything is resolved: no tag, --audit=off, --output, --push or --output type=registry for the engine', async () => {
    const cases: Partial<BuildOptions>[] = [
      { engineArgs: [] },
      { audit: 'off' },
      { engineArgs: ['-t', 'r/app', '--output', 'type=oci,dest=/tmp/x.tar'] },
      { push: false, engineArgs: ['-t', 'r/app', '--push'] },
      { push: false, engineArgs: ['-t', 'r/app', '--output', 'type=registry'] },
      { push: false, engineArgs: ['-t', 'r/app', '-o', 'type=image,name=r/app,push=true'] },
      { push: false, engineArgs: ['-t', 'r/app', '--output=type=registry,ref=r/app'] },
    ];
    for (const extra of cases) {
      const err = await runBuild(session(), opts('docker', extra), clean).catch((e: unknown) => e);
      expect(err, JSON.stringify(extra)).toBeInstanceOf(UsageError);
      expect((err as UsageError).hint ?? '', JSON.stringify(extra)).toMatch(/--push|--output|audit|-t/);
    }
    expect(await engineLog()).toEqual([]);
  });

  it('a failed push is an EngineError; the digest is never invented', async () => {
    const err = await runBuild(session({ FAKE_PUSH_EXIT: '1' }), opts('docker'), clean).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toMatch(/the push of 127\.0\.0\.1:5000\/app:1 failed/);
  });

  it('a signal during the push stops the engine\'s push and reports the interruption', async () => {
    const controller = new AbortController();
    const running = runBuild(session({ FAKE_PUSH_SLEEP: '30' }), opts('docker', { signal: controller.signal }), clean);
    await expect.poll(async () => (await pushes()).length, { timeout: 10_000 }).toBe(1);
    controller.abort();
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
  });

  it('podman and buildah take --push-tls-verify / --push-cert-dir; docker refuses them (the daemon owns TLS)', async () => {
    await runBuild(session(engineEnv('podman')), opts('podman', { push: { tlsVerify: false, certDir: '/etc/certs' } }), clean);
    expect((await pushes())[0]).toMatch(/push --digestfile \S+ --tls-verify=false --cert-dir \/etc\/certs 127\.0\.0\.1:5000\/app:1 docker:\/\/127\.0\.0\.1:5000\/app:1$/);
    const err = await runBuild(session(), opts('docker', { push: { tlsVerify: false } }), clean).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
  });
});
