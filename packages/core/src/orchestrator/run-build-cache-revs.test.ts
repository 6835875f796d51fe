import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYED_REV_PATTERN } from '../cache/keyed-rev.js';
import { configSchema, type BuildSecretsConfigInput } from '../config/schema.js';
import { InvalidSecretError } from '../errors/index.js';
import { makeFakeDocker } from '../engine/__fixtures__/fake-docker.js';
import { createLogger } from '../logging/logger.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import { secretMountStrategy } from '../strategies/secret-mount.js';
import { makeTempDir } from '../util/temp-dir.js';
import type { BuildSession } from './build-types.js';
import { runBuild } from './run-build.js';
import { makeBuildWorkdir, type CapturedOutput } from './__fixtures__/build-workdir.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('run-build-cache-rev');
const KEY = makeCanary('cache-key');
let fake: Awaited<ReturnType<typeof makeFakeDocker>>;
let work: string;
let logs: string[];
let out: CapturedOutput;

beforeAll(async () => {
  fake = await makeFakeDocker();
});
afterAll(() => fake.remove());
beforeEach(async () => {
  ({ work, logs, out } = await makeBuildWorkdir('bs-cache-revs-', 'FROM scratch\nARG BUILDSECRETS_REV_NPM\nRUN --mount=type=secret,id=npm,required=true true\nRUN --mount=type=secret,id=pip,required=true true\n'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

const CONFIG: BuildSecretsConfigInput = {
  version: 1,
  providers: { vault: { use: 'vault' } },
  build: { cacheKeyFrom: 'cachekey' },
  secrets: {
    npm: { from: 'vault', ref: 'secret/npm', cache: 'version' },
    pip: { from: 'vault', ref: 'secret/pip', cache: 'keyed' },
    cachekey: { from: 'vault', ref: 'secret/cachekey', inject: 'none' },
  },
};

function session(versionIds: Record<string, string>, echo?: string): BuildSession {
  const redactor = createRedactor();
  const env = { PATH: process.env['PATH'], FAKE_SERVER: '20.10.24', FAKE_LOG: join(work, 'docker.log'), BUILDSECRETS_TMPDIR: join(work, 'tmp'), XDG_CACHE_HOME: join(work, 'cache'), ...(echo ? { FAKE_ECHO_ENV: echo } : {}) };
  return {
    config: configSchema.parse(CONFIG),
    baseDir: work,
    env,
    redactor,
    logger: createLogger(redactor, { level: 'debug', write: (line) => logs.push(line) }),
    async resolveAll(_signal, options) {
      const values = new Map([['npm', SecretValue.from(CANARY)], ['pip', SecretValue.from(`${CANARY}-pip`)], ['cachekey', SecretValue.from(KEY)]]);
      for (const [id, v] of values) redactor.add(id, v);
      for (const [id, v] of Object.entries(versionIds)) options?.versionIds?.set(id, v);
      return values;
    },
    strategy: () => secretMountStrategy(),
    tempDir: (prefix) => makeTempDir(prefix, env),
  };
}
const options = () => ({ context: join(work, 'ctx'), docker: fake.bin, output: out.stream, audit: 'off' as const });
const dockerLog = () => readFile(join(work, 'docker.log'), 'utf8').catch(() => '');

describe('runBuild with cache revs', () => {
  it('adds --build-arg BUILDSECRETS_REV_<ID> by name and hands the rev to the engine in its environment, unmasked', async () => {
    await runBuild(session({ npm: 'secret/npm@3' }, 'BUILDSECRETS_REV_NPM'), options());
    const build = (await dockerLog()).split('\n').find((l) => / build /.test(l))!;
    expect(build).toContain('--build-arg BUILDSECRETS_REV_NPM --build-arg BUILDSECRETS_REV_PIP ');
    expect(build).not.toContain('version:');
    expect(out.text).toContain('value is version:secret/npm@3');
    const revLine = logs.find((l) => l.includes('BUILDSECRETS_REV_PIP='));
    expect(revLine).toMatch(/BUILDSECRETS_REV_PIP=hmac-sha256-128:[0-9a-f]{32} \(cache: keyed\)/);
    expect(KEYED_REV_PATTERN.test(revLine!.match(/=(\S+)/)![1]!)).toBe(true);
    expect([out.text, ...logs, await dockerLog()].join('\n')).not.toContain(CANARY);
  });

  it('fails closed before starting the engine when a cache: version secret got no version id', async () => {
    const err = await runBuild(session({}), options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSecretError);
    expect((await dockerLog()).split('\n').filter((l) => / build /.test(l))).toEqual([]);
  });

  it('shows the rev build-args in --dry-run without resolving anything', async () => {
    const result = await runBuild(session({}), { ...options(), dryRun: true });
    expect(result.command.join(' ')).toContain('--build-arg BUILDSECRETS_REV_NPM --build-arg BUILDSECRETS_REV_PIP');
  });

  it('warns at build time about a RUN whose stage lacks the ARG', async () => {
    await runBuild(session({ npm: 'secret/npm@3' }), options());
    expect(logs.join('\n')).toContain('add this line above it: ARG BUILDSECRETS_REV_PIP');
    expect(logs.join('\n')).not.toContain('mounts secret "npm"');
  });
});
