import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type BuildSecretsConfigInput } from '../config/schema.js';
import { AbortedError, AuditError, ConfigError, DockerfileError, EngineError, LeakDetectedError, ProviderUnavailableError, StrategyRefusedError } from '../errors/index.js';
import { makeFakeDocker } from '../engine/__fixtures__/fake-docker.js';
import { createLogger } from '../logging/logger.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import type { InjectionStrategy } from '../strategies/types.js';
import { makeTempDir } from '../util/temp-dir.js';
import type { BuildSteps } from './build-steps.js';
import type { BuildOptions, BuildSession } from './build-types.js';
import { trackedResources } from './exit-cleanup.js';
import { runBuild } from './run-build.js';
import { makeBuildWorkdir, type CapturedOutput } from './__fixtures__/build-workdir.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('9f3k-run-build-token');
const CANARY_ARG = makeCanary('2bqz-run-build-arg');
let fake: Awaited<ReturnType<typeof makeFakeDocker>>;
let work: string;
let tmpRoot: string;
let events: string[];
let logs: string[];
let out: CapturedOutput;

beforeAll(async () => {
  fake = await makeFakeDocker();
});
afterAll(() => fake.remove());
beforeEach(async () => {
  // Uses both injected secrets: a build resolves only what its stages use.
  ({ work, logs, out } = await makeBuildWorkdir('bs-run-build-', 'FROM scratch\nARG proxy\nRUN --mount=type=secret,id=token,required=true true\n', ['secrets-tmp']));
  tmpRoot = join(work, 'secrets-tmp');
  events = [];
});
afterEach(() => rm(work, { recursive: true, force: true }));

const CONFIG: BuildSecretsConfigInput = {
  version: 1,
  providers: { local: { use: 'env' } },
  secrets: {
    token: { from: 'local', ref: 'TOKEN' },
    proxy: { from: 'local', ref: 'PROXY', inject: 'build-arg', allowInsecure: true },
    passphrase: { from: 'local', ref: 'PASS', inject: 'none' },
  },
};

/** A strategy that writes each value to a file in a context temp dir, like secret-mount does. */
function fileStrategy(kind: 'secret-mount' | 'build-arg', behaviour: { failPrepare?: boolean; leakArg?: boolean; refuse?: boolean } = {}): InjectionStrategy {
  return {
    kind,
    validate(secrets) {
      events.push(`validate ${kind} ${secrets.map((s) => s.id).join(',')}`);
      if (behaviour.refuse) throw new StrategyRefusedError(`${kind} refuses ${secrets[0]?.id}`, { secretId: secrets[0]?.id });
    },
    async prepare(secrets, context) {
      events.push(`prepare ${kind}`);
      const dir = await context.tempDir(kind);
      for (const s of secrets) await writeFile(join(dir.path, s.id), s.value.reveal(), { mode: 0o600 });
      if (behaviour.failPrepare) throw new Error('prepare failed');
      const args = secrets.flatMap((s) => ['--secret', behaviour.leakArg ? `id=${s.id},value=${s.value.revealString()}` : `id=${s.id},src=${join(dir.path, s.id)}`]);
      return {
        engineArgs: args,
        env: Object.fromEntries(secrets.map((s) => [`ENV_${s.id.toUpperCase()}`, s.value.revealString()])),
        summary: [`${kind}: ${secrets.map((s) => s.id).join(', ')}`],
        async dispose() {
          events.push(`dispose ${kind}`);
        },
      };
    },
  };
}

function session(options: { resolveError?: Error; strategies?: Partial<Record<'secret-mount' | 'build-arg', InjectionStrategy>>; env?: Record<string, string>; token?: string } = {}) {
  const redactor = createRedactor();
  const values = new Map([
    ['token', SecretValue.from(options.token ?? CANARY)],
    ['proxy', SecretValue.from(CANARY_ARG)],
    ['passphrase', SecretValue.from('canary-pass-phrase-77')],
  ]);
  const strategies = { 'secret-mount': fileStrategy('secret-mount'), 'build-arg': fileStrategy('build-arg'), ...options.strategies };
  const env = { PATH: process.env['PATH'], FAKE_SERVER: '20.10.24', FAKE_LOG: join(work, 'docker.log'), BUILDSECRETS_TMPDIR: tmpRoot, XDG_CACHE_HOME: join(work, 'cache'), ...options.env };
  const s: BuildSession = {
    config: configSchema.parse(CONFIG),
    baseDir: work,
    env,
    redactor,
    logger: createLogger(redactor, { level: 'debug', write: (line) => logs.push(line) }),
    async resolveAll() {
      events.push('resolve');
      if (options.resolveError) throw options.resolveError;
      for (const [id, v] of values) redactor.add(id, v);
      return values;
    },
    strategy: (kind) => {
      const strategy = strategies[kind as 'secret-mount' | 'build-arg'];
      if (!strategy) throw new Error(`no strategy ${kind}`);
      return strategy;
    },
    tempDir: (prefix) => makeTempDir(prefix, env),
  };
  return { session: s, values };
}

const opts = (extra: Partial<BuildOptions> = {}): BuildOptions => ({ context: join(work, 'ctx'), docker: fake.bin, engineArgs: ['-t', 'app'], output: out.stream, audit: 'off', ...extra });
const dockerLog = () => readFile(join(work, 'docker.log'), 'utf8').catch(() => '');
const builds = async () => (await dockerLog()).split('\n').filter((l) => / build /.test(l));

async function expectNothingLeft(error?: unknown): Promise<void> {
  expect(await readdir(tmpRoot)).toEqual([]);
  expect(trackedResources()).toEqual({ paths: [], processGroups: [] });
  const failure = error instanceof Error ? [error.message, String(error.stack), String(error.cause), JSON.stringify(error)] : [];
  const everything = [out.text, ...logs, await dockerLog(), ...failure].join('\n');
  for (const canary of [CANARY, CANARY_ARG]) expect(everything).not.toContain(canary);
}

describe('runBuild', () => {
  it('validates, resolves, prepares each kind, builds with user args + injection args + context, then disposes in reverse', async () => {
    const { session: s, values } = session();
    const result = await runBuild(s, opts());
    expect(events).toEqual(['validate secret-mount token', 'validate build-arg proxy', 'resolve', 'prepare secret-mount', 'prepare build-arg', 'dispose build-arg', 'dispose secret-mount']);
    expect(result.imageId).toMatch(/^sha256:/);
    const [build] = await builds();
    expect(build).toMatch(/ build --iidfile \S+\/iid -t app --secret id=token,src=\S+ --secret id=proxy,src=\S+ \S+\/ctx$/);
    for (const value of values.values()) expect(() => value.revealString(), 'values are wiped after the build').toThrow();
    await expectNothingLeft();
  });

  it('gives a short progress account at info level: secrets by provider and the time, the engine, the build time', async () => {
    const { session: s } = session();
    await runBuild(s, opts());
    const info = logs.filter((l) => !/ (debug|warn|error):/.test(l)).join('\n');
    expect(info).toMatch(/resolved 3 secrets from local \(env\) ×3 in \d+ ms/);
    expect(info).toMatch(/engine: docker-buildkit \([^)]+\)/);
    expect(info).toMatch(/built sha256:[0-9a-f]{12} in \d+(\.\d)? (ms|s)/);
  });

  it('propagates the engine exit code as an EngineError and still removes everything', async () => {
    const { session: s } = session({ env: { FAKE_BUILD_EXIT: '3' } });
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).exitCode).toBe(3);
    expect(events.slice(-2)).toEqual(['dispose build-arg', 'dispose secret-mount']);
    await expectNothingLeft(err);
  });

  it('fails closed: a resolution error propagates and nothing is prepared or built', async () => {
    const { session: s } = session({ resolveError: new ProviderUnavailableError('vault is sealed', { provider: 'local' }) });
    await expect(runBuild(s, opts())).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(events).not.toContain('prepare secret-mount');
    expect(await builds()).toEqual([]);
    await expectNothingLeft();
  });

  it('detects the engine while resolving: an unreachable engine fails the build and wipes the values resolved meanwhile', async () => {
    const { session: s, values } = session({ env: { FAKE_SERVER: '' } });
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(events).toEqual(['validate secret-mount token', 'validate build-arg proxy', 'resolve']);
    for (const value of values.values()) expect(() => value.revealString(), 'values are wiped').toThrow();
    expect(await builds()).toEqual([]);
    await expectNothingLeft(err);
  });

  it('cancels a resolution still running when the engine turns out to be unreachable, and reports the engine error', async () => {
    const base = session({ env: { FAKE_SERVER: '' } }).session;
    let resolveSignal: AbortSignal | undefined;
    const s: BuildSession = {
      ...base,
      async resolveAll(signal) {
        resolveSignal = signal;
        await new Promise((done) => signal.addEventListener('abort', done, { once: true }));
        throw new AbortedError('resolution cancelled');
      },
    };
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(resolveSignal?.aborted).toBe(true);
    expect(await builds()).toEqual([]);
    await expectNothingLeft(err);
  });

  it('builds with an engine asked for by name while its probe is still answering, and reports the probed version', async () => {
    const { session: s } = session({ env: { FAKE_VERSION_SLEEP: '1' } });
    const result = await runBuild(s, opts({ engine: 'docker-buildkit' }));
    const log = (await dockerLog()).split('\n');
    const built = log.findIndex((l) => / build /.test(l));
    const answered = log.findIndex((l) => / version answered$/.test(l));
    expect(built, 'the build started before the probe answered').toBeGreaterThanOrEqual(0);
    expect(built).toBeLessThan(answered);
    expect(result.engine).toMatchObject({ name: 'docker-buildkit', requested: 'docker-buildkit', probed: true, version: '20.10.24' });
    expect(logs.join('\n')).toMatch(/engine: docker-buildkit \(20\.10\.24\)/);
    await expectNothingLeft();
  });

  it('stops the engine of an engine asked for by name when its probe fails during the build, and reports the probe\'s error', async () => {
    const { session: s } = session({ env: { FAKE_VERSION_SLEEP: '1', FAKE_SERVER: '', FAKE_BUILD_SLEEP: '30' } });
    const started = Date.now();
    const err = await runBuild(s, opts({ engine: 'docker-buildkit' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toContain('cannot reach the Docker daemon');
    expect(Date.now() - started, 'the 30 s build was stopped').toBeLessThan(20_000);
    expect(await builds()).toHaveLength(1);
    await expectNothingLeft(err);
  });

  it('fails an engine asked for by name whose probe fails before the build starts, with the probe\'s error and nothing prepared', async () => {
    const { session: s } = session({ env: { FAKE_SERVER: '' } });
    const slow: BuildSession = { ...s, resolveAll: async (signal, o) => (await new Promise((done) => setTimeout(done, 300)), s.resolveAll(signal, o)) };
    const err = await runBuild(slow, opts({ engine: 'docker-buildkit' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toContain('cannot reach the Docker daemon');
    expect(events).not.toContain('prepare secret-mount');
    expect(await builds()).toEqual([]);
    await expectNothingLeft(err);
  });

  it('auto-detection: a later build of the same setup starts with the engine chosen last time while the probe confirms it', async () => {
    await runBuild(session().session, opts());
    expect(Object.values(JSON.parse(await readFile(join(work, 'cache', 'buildsecrets', 'engine-choice.json'), 'utf8')) as object)).toEqual(['docker-buildkit']);
    await rm(join(work, 'docker.log'));
    const result = await runBuild(session({ env: { FAKE_VERSION_SLEEP: '1' } }).session, opts());
    const log = (await dockerLog()).split('\n');
    expect(log.findIndex((l) => / build /.test(l))).toBeLessThan(log.findIndex((l) => / version answered$/.test(l)));
    expect(result.engine).toMatchObject({ name: 'docker-buildkit', requested: 'auto', probed: true, version: '20.10.24' });
    await expectNothingLeft();
  });

  it('auto-detection: when the probe chooses another engine than last time, the build started with the old one is stopped and runs again with the new one', async () => {
    await runBuild(session({ env: { FAKE_BUILDX: '1' } }).session, opts());
    await rm(join(work, 'docker.log'));
    // buildx is gone since: the build started with `docker buildx build` fails, the probe says docker-buildkit.
    const result = await runBuild(session({ env: { FAKE_VERSION_SLEEP: '1' } }).session, opts());
    expect(result.engine).toMatchObject({ name: 'docker-buildkit', requested: 'auto', probed: true });
    const invocations = (await dockerLog()).split('\n').filter((l) => / build /.test(l));
    expect(invocations).toHaveLength(2);
    expect(invocations[0]).toMatch(/ buildx build /);
    expect(invocations[1]).not.toMatch(/ buildx /);
    expect(result.imageId).toMatch(/^sha256:/);
    await expectNothingLeft();
  });

  it('leaves no probe running when it fails after resolution while the probe still answers (nothing outlives the call)', async () => {
    await runBuild(session().session, opts());
    await rm(join(work, 'docker.log'));
    const { session: s } = session({ env: { FAKE_VERSION_SLEEP: '1' }, strategies: { 'build-arg': fileStrategy('build-arg', { failPrepare: true }) } });
    await expect(runBuild(s, opts())).rejects.toThrow('prepare failed');
    // The build started with last time's engine hint, so the probe was not waited for — until the end.
    expect(await dockerLog()).toMatch(/ version answered$/m);
    await expectNothingLeft();
  });

  it('lets a strategy refuse before anything is resolved', async () => {
    const { session: s } = session({ strategies: { 'build-arg': fileStrategy('build-arg', { refuse: true }) } });
    await expect(runBuild(s, opts())).rejects.toBeInstanceOf(StrategyRefusedError);
    expect(events).not.toContain('resolve');
    expect(await dockerLog()).toBe('');
  });

  it('disposes what was prepared when a later strategy fails to prepare, and removes its files', async () => {
    const { session: s } = session({ strategies: { 'build-arg': fileStrategy('build-arg', { failPrepare: true }) } });
    await expect(runBuild(s, opts())).rejects.toThrow('prepare failed');
    expect(events.slice(-1)).toEqual(['dispose secret-mount']);
    expect(await builds()).toEqual([]);
    await expectNothingLeft();
  });

  it('refuses to start a build whose arguments would show a value in `ps`', async () => {
    const { session: s } = session({ strategies: { 'secret-mount': fileStrategy('secret-mount', { leakArg: true }) } });
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyRefusedError);
    expect(await builds()).toEqual([]);
    await expectNothingLeft(err);
  });

  it('does not refuse a build because a 1–3 byte value happens to occur inside ordinary arguments', async () => {
    // "s" occurs in every `--secret id=…,src=/…/buildsecrets-…` argument; it proves nothing about a leak.
    const { session: s } = session({ token: 's' });
    const result = await runBuild(s, opts());
    expect(result.exitCode).toBe(0);
    expect(await builds()).toHaveLength(1);
  });

  it('stops the engine on abort, tears down, and rejects with AbortedError', async () => {
    const { session: s } = session({ env: { FAKE_BUILD_SLEEP: '30' } });
    const controller = new AbortController();
    const running = runBuild(s, opts({ signal: controller.signal }));
    await expect.poll(async () => (await builds()).length, { timeout: 5000 }).toBe(1);
    expect(trackedResources().processGroups).toHaveLength(1);
    controller.abort();
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(events.slice(-2)).toEqual(['dispose build-arg', 'dispose secret-mount']);
    await expectNothingLeft(err);
  });

  it('--dry-run shows the command with placeholders and resolves, prepares and builds nothing', async () => {
    const { session: s } = session();
    const result = await runBuild(s, opts({ dryRun: true, dockerfile: join(work, 'ctx', 'Dockerfile') }));
    expect(result.command).toEqual([
      'DOCKER_BUILDKIT=1', fake.bin, 'build', '--iidfile', '<tmpfs>/iid', '-t', 'app', '-f', join(work, 'ctx', 'Dockerfile'),
      '--secret', 'id=token,src=<tmpfs>/token', '--build-arg', 'proxy', join(work, 'ctx'),
    ]);
    expect(events).toEqual(['validate secret-mount token', 'validate build-arg proxy']);
    expect(await builds()).toEqual([]);
  });

  it('stops before resolving when the Dockerfile check reports errors, and logs its warnings', async () => {
    const { session: s } = session();
    const steps: BuildSteps = { checkDockerfile: () => ({ errors: ['secret "npm" is mounted but not configured'], warnings: ['secret "proxy" is never mounted'], declaredArgs: new Set() }) };
    const err = await runBuild(s, opts(), steps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerfileError);
    expect((err as DockerfileError).message).toContain('mounted but not configured');
    expect(logs.join('\n')).toContain('never mounted');
    expect(events).not.toContain('resolve');
  });

  it('checks the real Dockerfile by default: a mounted secret missing from the config stops the build before resolving', async () => {
    await writeFile(join(work, 'ctx', 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=npm_token,required=true true\n');
    const { session: s } = session();
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerfileError);
    expect((err as DockerfileError).message).toContain('npm_token');
    expect(events).not.toContain('resolve');
    expect(await dockerLog()).toBe('');
  });

  describe('post-build audit', () => {
    const leak: BuildSteps = { auditImage: async () => ({ clean: false, findings: [{ secretId: 'token', encoding: 'base64', location: { kind: 'layer', layer: 'sha256:abc', path: 'app/.npmrc' } }] }) };

    it('fail: a leak throws LeakDetectedError naming the image, after teardown', async () => {
      const { session: s } = session();
      const err = await runBuild(s, opts({ audit: 'fail' }), leak).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LeakDetectedError);
      expect((err as LeakDetectedError).image).toMatch(/^sha256:/);
      await expectNothingLeft(err);
    });

    it('warn: the same leak table is logged, the summary line ends the audit, and the build succeeds', async () => {
      const { session: s } = session();
      const result = await runBuild(s, opts({ audit: 'warn' }), leak);
      expect(result.audit).toMatchObject({ clean: false, findings: 1, leaks: [{ secretId: 'token', encoding: 'base64' }], preExisting: [] });
      expect(logs.join('\n')).toMatch(/token \(base64\)\s+layer sha256:abc\s+\/app\/\.npmrc/);
      expect(logs.join('\n')).toContain('audit: 0 layers (none attributed to a base image), 1 finding');
    });

    it('fail: the leak error carries the findings and prints them with --json', async () => {
      const { session: s } = session();
      const err = (await runBuild(s, opts({ audit: 'fail' }), leak).catch((e: unknown) => e)) as LeakDetectedError;
      expect(err.findings).toEqual([{ secretId: 'token', encoding: 'base64', location: { kind: 'layer', layer: 'sha256:abc', path: 'app/.npmrc' } }]);
      expect(err.toJSON()).toMatchObject({ code: 'LEAK_DETECTED', findings: err.findings });
      expect(logs.join('\n')).toMatch(/token \(base64\)\s+layer sha256:abc/);
    });

    it('values only in base-image layers warn as pre-existing by default, fail with baseLayers: fail', async () => {
      const finding = { secretId: 'token', encoding: 'raw', location: { kind: 'layer' as const, layer: 'sha256:base', path: 'bin/busybox' } };
      const base: BuildSteps = { auditImage: async () => ({ clean: false, findings: [], preExisting: [finding], layers: 3, baseLayers: 2 }) };
      const { session: s } = session();
      const result = await runBuild(s, opts({ audit: 'fail' }), base);
      expect(result.audit).toMatchObject({ findings: 0, preExisting: [finding], layers: 3, buildLayers: 1 });
      expect(logs.join('\n')).toContain('audit: 3 layers (1 from this build), 0 findings, 1 pre-existing in base layers');
      expect(logs.join('\n')).toContain('pre-existing, not written by this build');
      const err = await runBuild(session().session, opts({ audit: { mode: 'fail', baseLayers: 'fail' } }), base).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LeakDetectedError);
    });

    it('receives every resolved value, including inject: none helpers, before they are wiped', async () => {
      const { session: s } = session();
      let seen: string[] = [];
      await runBuild(s, opts({ audit: 'fail' }), { auditImage: async ({ secrets }) => ((seen = secrets.map((x) => `${x.id}:${x.value.length}`)), { clean: true, findings: [] }) });
      expect(seen).toEqual([`token:${CANARY.length}`, `proxy:${CANARY_ARG.length}`, 'passphrase:21']);
    });

    it('fail: an unsearchable layer fails the build (exit 1), naming the layer and why', async () => {
      const { session: s } = session();
      const partial: BuildSteps = { auditImage: async () => ({ clean: false, findings: [], tooShort: ['pin'], unscanned: ['sha256:def: zstd layer'] }) };
      const err = await runBuild(s, opts({ audit: 'fail' }), partial).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuditError);
      expect((err as AuditError).message).toContain('sha256:def: zstd layer');
      expect(logs.join('\n')).toContain('secret pin is shorter than 8 bytes');
    });

    it('warn: an unsearchable layer is a warning and the build succeeds', async () => {
      const { session: s } = session();
      const partial: BuildSteps = { auditImage: async () => ({ clean: false, findings: [], unscanned: ['sha256:def: zstd layer'], layers: 2 }) };
      const result = await runBuild(s, opts({ audit: 'warn' }), partial);
      expect(result.audit).toMatchObject({ clean: false, findings: 0, unscanned: ['sha256:def: zstd layer'] });
      expect(logs.join('\n')).toContain('could not search sha256:def: zstd layer');
      expect(logs.join('\n')).toContain('audit: 2 layers (none attributed to a base image), 0 findings, 1 not searched');
    });

    it("audits with the user's own --iidfile: the id is read from their file, which they keep", async () => {
      const { session: s } = session();
      const theirs = join(work, 'their-iid');
      let audited = '';
      const result = await runBuild(s, opts({ audit: 'fail', engineArgs: ['-t', 'app', '--iidfile', theirs] }), { auditImage: async ({ image }) => ((audited = image), { clean: true, findings: [], layers: 1 }) });
      expect(result.imageId).toMatch(/^sha256:/);
      expect(audited).toBe(result.imageId);
      expect((await readFile(theirs, 'utf8')).trim()).toBe(result.imageId);
      expect(logs.join('\n')).toContain('audit: 1 layer (none attributed to a base image), 0 findings');
    });

    it('fail: a build with an export that cannot be read back (stdout) is refused by the audit, with the reason', async () => {
      const { session: s } = session();
      const err = await runBuild(s, opts({ audit: 'fail', engineArgs: ['-t', 'app', '--output', 'type=tar,dest=-'] }), leak).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuditError);
      expect((err as Error).message).toContain('stdout');
    });

    it('short values warn by id; build.minSecretLength makes them an error before the engine runs', async () => {
      const { session: s } = session({ token: 'abc123' });
      await runBuild(s, opts());
      expect(logs.join('\n')).toContain('secret token (6 bytes) is shorter than 8 bytes');
      const strict = { ...session({ token: 'abc123' }).session };
      const withMin = { ...strict, config: { ...strict.config, build: { ...strict.config.build!, minSecretLength: 8 } } };
      const before = (await builds()).length;
      const err = await runBuild(withMin, opts()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues[0]!.message).toBe('secret token (6 bytes) is shorter than 8 bytes');
      expect((await builds()).length).toBe(before);
    });

    it('off: says the audit was skipped', async () => {
      const { session: s } = session();
      const result = await runBuild(s, opts({ audit: 'off' }), leak);
      expect(result.audit).toBeUndefined();
      expect(logs.join('\n')).toContain('audit: off');
    });
  });
});
