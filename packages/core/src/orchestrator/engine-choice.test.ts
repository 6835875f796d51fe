import { writeFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type BuildSecretsConfigInput } from '../config/schema.js';
import { StrategyRefusedError } from '../errors/index.js';
import { makeFakeEngines } from '../engine/__fixtures__/fake-engine.js';
import { createLogger } from '../logging/logger.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import type { InjectionStrategy } from '../strategies/types.js';
import { makeTempDir } from '../util/temp-dir.js';
import type { AuditInput, BuildSteps } from './build-steps.js';
import type { BuildOptions, BuildSession } from './build-types.js';
import { runBuild } from './run-build.js';
import { makeBuildWorkdir } from './__fixtures__/build-workdir.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

let fakes: Awaited<ReturnType<typeof makeFakeEngines>>;
let work = '';
let events: string[] = [];
let logs: string[] = [];
beforeAll(async () => {
  fakes = await makeFakeEngines();
});
afterAll(() => fakes.remove());
beforeEach(async () => {
  ({ work, logs } = await makeBuildWorkdir('bs-engine-choice-', 'FROM scratch\n'));
  events = [];
});
afterEach(() => rm(work, { recursive: true, force: true }));

function recordingStrategy(kind: 'secret-mount' | 'ssh-agent' | 'served-file' | 'build-arg'): InjectionStrategy {
  return {
    kind,
    ...(kind === 'served-file' ? { singleUse: true } : {}),
    validate: () => void events.push(`validate ${kind}`),
    async prepare() {
      events.push(`prepare ${kind}`);
      return { engineArgs: [], env: {}, summary: [], dispose: async () => undefined };
    },
  };
}

/**
 * A Dockerfile that uses every configured secret: a secret the built stages do not use is never
 * handed over (target-scoped resolution), so no engine would have anything to refuse.
 */
function useEverySecret(secrets: BuildSecretsConfigInput['secrets']): void {
  const mounts = Object.entries(secrets).map(([id, c]) =>
    c.inject === 'ssh-agent' ? '--mount=type=ssh,id=default,required=true' : c.inject === 'served-file' ? '' : `--mount=type=secret,id=${id},required=true`);
  const served = Object.values(secrets).some((c) => c.inject === 'served-file');
  writeFileSync(join(work, 'ctx', 'Dockerfile'), ['FROM scratch', ...(served ? ['ARG BUILDSECRETS_URL', 'ARG BUILDSECRETS_TOKEN'] : []), `RUN ${mounts.filter(Boolean).join(' ')} true`, ''].join('\n'));
}

function session(secrets: BuildSecretsConfigInput['secrets'], env: Record<string, string> = {}, build: BuildSecretsConfigInput['build'] = {}): BuildSession {
  useEverySecret(secrets);
  const redactor = createRedactor();
  const fullEnv = { PATH: process.env['PATH'] ?? '', FAKE_SERVER: '20.10.24', FAKE_LOG: join(work, 'engine.log'), BUILDSECRETS_TMPDIR: join(work, 'tmp'), XDG_CACHE_HOME: join(work, 'cache'), BUILDSECRETS_PODMAN: fakes.bin('podman'), BUILDSECRETS_BUILDAH: fakes.bin('buildah'), ...env };
  return {
    config: configSchema.parse({ version: 1, providers: { local: { use: 'env' } }, secrets, build }),
    baseDir: work,
    env: fullEnv,
    redactor,
    logger: createLogger(redactor, { level: 'debug', write: (line) => logs.push(line) }),
    async resolveAll() {
      events.push('resolve');
      return new Map(Object.keys(secrets).map((id) => [id, SecretValue.from(makeCanary(`value-of-${id}`))]));
    },
    strategy: (kind) => recordingStrategy(kind),
    tempDir: (prefix) => makeTempDir(prefix, fullEnv),
  };
}

const opts = (extra: Partial<BuildOptions> = {}): BuildOptions => ({ context: join(work, 'ctx'), docker: fakes.bin('docker'), output: new PassThrough(), audit: 'off', ...extra });
const engineLog = () => readFile(join(work, 'engine.log'), 'utf8').catch(() => '');

describe('runBuild: choosing the engine', () => {
  it('refuses secret-mount on the classic builder before anything is resolved or started', async () => {
    const s = session({ npm_token: { from: 'local', ref: 'T' } });
    const err = await runBuild(s, opts({ engine: 'docker-classic' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyRefusedError);
    expect((err as Error).message).toContain('secret npm_token uses inject: secret-mount, but the docker-classic engine');
    expect(events).not.toContain('resolve');
    expect(await engineLog()).toBe('');
  });

  it('takes the engine from build.engine and BUILDSECRETS_ENGINE too (the option wins)', async () => {
    const secrets = { key: { from: 'local', ref: 'K', inject: 'ssh-agent' as const } };
    await expect(runBuild(session(secrets, {}, { engine: 'docker-classic' }), opts())).rejects.toThrow(/inject: ssh-agent/);
    await expect(runBuild(session(secrets, { BUILDSECRETS_ENGINE: 'docker-classic' }), opts())).rejects.toThrow(/inject: ssh-agent/);
    await expect(runBuild(session(secrets, { BUILDSECRETS_ENGINE: 'docker-classic' }), opts({ engine: 'docker-buildkit' }))).resolves.toMatchObject({ exitCode: 0 });
  });

  it('refuses served-file with a daemon on another machine, before resolving, unless host and allowRemote are set', async () => {
    const secrets = { api: { from: 'local', ref: 'A', inject: 'served-file' as const } };
    const remote = { DOCKER_HOST: 'tcp://10.250.0.2:23750' };
    const err = await runBuild(session(secrets, remote), opts({ dryRun: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyRefusedError);
    expect((err as Error).message).toContain('on another machine (tcp://10.250.0.2:23750');
    expect(events).not.toContain('resolve');
    const allowed = await runBuild(session(secrets, remote, { servedFile: { host: '10.250.0.1', allowRemote: true } }), opts({ dryRun: true }));
    expect(allowed.exitCode).toBe(0);
  });

  it('builds with podman through its adapter and hands the audit podman save', async () => {
    const audits: AuditInput[] = [];
    const steps: BuildSteps = { auditImage: async (input) => (audits.push(input), { clean: true, findings: [] }) };
    const result = await runBuild(session({ t: { from: 'local', ref: 'T' } }, { FAKE_SERVER: '4.3.1' }), opts({ engine: 'podman', audit: 'fail' }), steps);
    expect(result.engine).toMatchObject({ name: 'podman', requested: 'podman', probed: true, version: '4.3.1' });
    // The run marker lets an interrupted build's working containers be found and removed.
    expect(await engineLog()).toMatch(/^podman build --iidfile \S+ --build-arg BUILDSECRETS_RUN_ID=[0-9a-f]{24} \S+\/ctx$/m);
    expect(audits[0]?.exportCommand).toEqual([fakes.bin('podman'), 'save', '--format', 'docker-archive', result.imageId]);
    // Base images are read through podman's own store (containers-storage), not docker's.
    expect(await audits[0]?.baseDiffIds?.('base:1')).toEqual(['sha256:fake-base:1']);
    expect(await engineLog()).toMatch(/^podman image inspect --format .+ base:1$/m);
    expect(logs.join('\n')).toMatch(/engine: podman \(4\.3\.1\), asked for; order: podman: chosen/);
  });

  it('on the classic builder, which runs every stage up to the target, hands over what an unused earlier stage needs', async () => {
    const secrets = { api: { from: 'local', ref: 'A', inject: 'served-file' as const } };
    const twoStages = ['FROM scratch AS unused', 'ARG BUILDSECRETS_URL', 'ARG BUILDSECRETS_TOKEN', 'RUN true', 'FROM scratch AS final', 'RUN true', ''].join('\n');
    const classic = session(secrets);
    await writeFile(join(work, 'ctx', 'Dockerfile'), twoStages);
    await runBuild(classic, opts({ engine: 'docker-classic' }));
    expect(events).toContain('prepare served-file');
    events = [];
    const buildkit = session(secrets);
    await writeFile(join(work, 'ctx', 'Dockerfile'), twoStages);
    await runBuild(buildkit, opts({ engine: 'docker-buildkit' }));
    expect(events).not.toContain('prepare served-file');
  });

  it('never starts a single-use injection (served-file) on last run\'s engine before the probe answers: a build stopped and run again would find its reads spent', async () => {
    const secrets = { t: { from: 'local', ref: 'T', inject: 'served-file' as const } };
    await runBuild(session(secrets, { FAKE_BUILDX: '1' }), opts());
    await rm(join(work, 'engine.log'));
    // buildx is gone since, and the probe is slow: a guessed start would run `docker buildx build`, fail, and build again.
    const result = await runBuild(session(secrets, { FAKE_VERSION_SLEEP: '1' }), opts());
    const builds = (await engineLog()).split('\n').filter((l) => / build /.test(l));
    expect(builds).toHaveLength(1);
    expect(builds[0]).not.toMatch(/ buildx /);
    expect(result.engine).toMatchObject({ name: 'docker-buildkit', requested: 'auto', probed: true });
  });

  it('--dry-run says which engine and whether it was probed', async () => {
    const probed = await runBuild(session({ t: { from: 'local', ref: 'T' } }), opts({ dryRun: true }));
    expect(probed.engine).toMatchObject({ name: 'docker-buildkit', requested: 'auto', probed: true });
    expect(probed.engine?.tried).toEqual(['docker-buildx: passed over — no buildx plugin', expect.stringMatching(/^docker-buildkit: chosen/)]);
    expect(probed.command).toContain('DOCKER_BUILDKIT=1');
    const unprobed = await runBuild(session({ t: { from: 'local', ref: 'T' } }, { FAKE_SERVER: '' }), opts({ dryRun: true }));
    expect(unprobed.engine).toMatchObject({ name: 'docker-buildkit', probed: false });
    expect(unprobed.engine?.tried[0]).toMatch(/assumed, not probed — cannot reach the Docker daemon/);
    expect(events).not.toContain('resolve');
  });
});
