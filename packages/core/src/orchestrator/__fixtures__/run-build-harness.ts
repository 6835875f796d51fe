// The shared scaffolding of the runBuild tests (run-build.test.ts, probe-and-resolve.test.ts): a
// scripted docker, a session whose strategies write values to files like secret-mount does, and
// the check that nothing outlives a build.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { configSchema, type BuildSecretsConfigInput } from '../../config/schema.js';
import { StrategyRefusedError } from '../../errors/index.js';
import { makeFakeDocker } from '../../engine/__fixtures__/fake-docker.js';
import { createLogger } from '../../logging/logger.js';
import { createRedactor } from '../../redaction/redactor.js';
import { SecretValue } from '../../secret-value.js';
import type { InjectionStrategy } from '../../strategies/types.js';
import { makeTempDir } from '../../util/temp-dir.js';
import type { BuildOptions, BuildSession } from '../build-types.js';
import { trackedResources } from '../exit-cleanup.js';
import { makeBuildWorkdir, type CapturedOutput } from './build-workdir.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

/** The value of `token` (a secret mount): no output, log, error or file may hold it. */
export const CANARY = makeCanary('9f3k-run-build-token');
/** The value of `proxy` (a build arg). */
export const CANARY_ARG = makeCanary('2bqz-run-build-arg');
// Per-test state, reset by the hooks {@link useRunBuildHarness} registers. Exported as live
// bindings: a test reads the current test's value.
/** The scripted docker (engine/__fixtures__/fake-docker) every build runs. */
export let fake: Awaited<ReturnType<typeof makeFakeDocker>>;
/** The test's working directory: `ctx/` (the build context), `docker.log`, `cache/`. */
export let work: string;
/** Where the strategies' temp dirs go (BUILDSECRETS_TMPDIR): must be empty after every build. */
export let tmpRoot: string;
/** What the strategies and the session did, in order (`validate …`, `resolve`, `prepare …`, `dispose …`). */
export let events: string[];
/** The session logger's lines. */
export let logs: string[];
/** The build's captured output stream. */
export let out: CapturedOutput;

/**
 * Register the hooks of a runBuild test file: one fake docker for the file, and per test a fresh
 * work dir whose Dockerfile uses the secret mount `token` and the build arg `proxy`.
 */
export function useRunBuildHarness(): void {
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
}

/** Three secrets from the env provider: a secret mount, a build arg and an `inject: none` helper. */
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
export function fileStrategy(kind: 'secret-mount' | 'build-arg', behaviour: { failPrepare?: boolean; leakArg?: boolean; refuse?: boolean } = {}): InjectionStrategy {
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

/** A build session resolving `token`, `proxy` and `passphrase` with file strategies that record into `events`. */
export function session(options: { resolveError?: Error; strategies?: Partial<Record<'secret-mount' | 'build-arg', InjectionStrategy>>; env?: Record<string, string>; token?: string } = {}) {
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

/** Build options for the fake docker in the test's work dir, audit off. */
export const opts = (extra: Partial<BuildOptions> = {}): BuildOptions => ({ context: join(work, 'ctx'), docker: fake.bin, engineArgs: ['-t', 'app'], output: out.stream, audit: 'off', ...extra });
/** What the fake docker was asked, a line an invocation. */
export const dockerLog = () => readFile(join(work, 'docker.log'), 'utf8').catch(() => '');
/** The `build` invocations of the fake docker. */
export const builds = async () => (await dockerLog()).split('\n').filter((l) => / build /.test(l));

/** Nothing left behind: no temp dir, no tracked resource, no value in output, logs, docker's argv log or the error. */
export async function expectNothingLeft(error?: unknown): Promise<void> {
  expect(await readdir(tmpRoot)).toEqual([]);
  expect(trackedResources()).toEqual({ paths: [], processGroups: [] });
  const failure = error instanceof Error ? [error.message, String(error.stack), String(error.cause), JSON.stringify(error)] : [];
  const everything = [out.text, ...logs, await dockerLog(), ...failure].join('\n');
  for (const canary of [CANARY, CANARY_ARG]) expect(everything).not.toContain(canary);
}
