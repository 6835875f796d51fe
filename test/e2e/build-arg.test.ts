import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, expect, it } from 'vitest';
import {
  buildArgStrategy, checkDockerfileAgainstConfig, configSchema, readDockerfile, secretConfigSchema, SecretValue, StrategyRefusedError, type PreparedInjection, type SecretConfig, type SecretForInjection, type StrategyContext,
} from '@buildsecrets/core';
import { DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { testStrategyContext } from '../../packages/core/src/strategies/__fixtures__/test-strategy-context.js';
import { makeCanary } from '../setup/canary-values.js';
import { allowCanaryOutput } from '../setup/canary.js';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('./fixtures/build-arg/', import.meta.url));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function build(dockerfile: string, tag: string, injection: PreparedInjection): Promise<string> {
  const args = ['build', '--no-cache', '--progress=plain', ...E2E_BUILD_ARGS, ...injection.engineArgs, '-t', tag, '-f', join(FIXTURES, dockerfile), FIXTURES];
  const { stdout, stderr } = await run(DOCKER_BIN, args, { env: { ...process.env, ...E2E_ENV, DOCKER_BUILDKIT: '1', ...injection.env }, timeout: 180_000, maxBuffer: 1 << 24 });
  return stdout + stderr;
}

describeE2E('build-arg strategy against a real BuildKit', () => {
  let logs: string[];
  const images: string[] = [];

  const context = async (dockerfile: string): Promise<StrategyContext> => {
    const analysis = await readDockerfile(join(FIXTURES, dockerfile));
    return testStrategyContext({
      lines: logs,
      logLevel: 'info',
      overrides: { tempDir: () => Promise.reject(new Error('build-arg needs no temp dir')), declaredArgs: new Set(analysis.args.map((a) => a.name)) },
    });
  };
  const secret = (id: string, value: string, config: Partial<SecretConfig>): SecretForInjection => ({
    id, config: secretConfigSchema.parse({ from: 'local', ref: id, inject: 'build-arg', ...config }), value: SecretValue.from(value),
  });
  const tag = (): string => {
    const name = `buildsecrets-e2e/build-arg:${randomBytes(6).toString('hex')}`;
    images.push(name);
    return name;
  };

  beforeEach(() => {
    logs = [];
  });
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  });

  it('gets an undeclared HTTP_PROXY through to RUN while keeping it out of history and the image', async () => {
    // Loopback only: nothing in the build contacts the proxy, it is only read from the environment.
    const proxy = `http://127.0.0.1:9/${makeCanary('e2e-proxy')}`;
    const image = tag();
    const strategy = buildArgStrategy();
    const ctx = await context('Dockerfile.proxy');
    const secrets = [secret('corp_proxy', proxy, { buildArg: 'HTTP_PROXY' })];
    strategy.validate?.(secrets, ctx);
    const injection = await strategy.prepare(secrets, ctx);
    expect(injection.engineArgs).toEqual(['--build-arg', 'HTTP_PROXY']);

    await build('Dockerfile.proxy', image, injection);
    await injection.dispose();

    const proof = await docker(['run', '--rm', '--network=host', image, 'cat', '/proof/proxy.sha256']);
    expect(proof.trim()).toBe(sha256(proxy));
    expect(await docker(['history', '--no-trunc', image])).not.toContain(proxy);
    expect(await docker(['image', 'inspect', image])).not.toContain(proxy);
    expect(await scanImage(image, { corp_proxy: proxy })).toEqual([]);
    expect(logs.join('\n')).not.toContain(proxy);
  });

  it('refuses a non-proxy secret without allowInsecure before any build', async () => {
    const value = makeCanary('e2e-ba');
    const image = tag();
    const strategy = buildArgStrategy();
    const secrets = [secret('build_token', value, { buildArg: 'BUILD_TOKEN' })];
    let refused: unknown;
    try {
      strategy.validate?.(secrets, await context('Dockerfile.insecure'));
      await build('Dockerfile.insecure', image, await strategy.prepare(secrets, await context('Dockerfile.insecure')));
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(StrategyRefusedError);
    expect(refused).toMatchObject({ secretId: 'build_token' });
    expect(`${(refused as Error).message}\n${(refused as Error).stack}`).not.toContain(value);
    await expect(docker(['image', 'inspect', image])).rejects.toThrow();
  });

  it('with allowInsecure the value reaches RUN — and IS in the image history: the accepted risk', async () => {
    allowCanaryOutput(/^child .*docker std(out|err)$/, 'docker build and docker history print the value here on purpose: this test proves it IS in the history (the accepted risk)');
    const value = makeCanary('e2e-ba');
    const image = tag();
    const strategy = buildArgStrategy();
    const ctx = await context('Dockerfile.insecure');
    const secrets = [secret('build_token', value, { buildArg: 'BUILD_TOKEN', allowInsecure: true })];
    strategy.validate?.(secrets, ctx);
    expect(logs.join('\n')).toMatch(/visible in the image history/);
    const injection = await strategy.prepare(secrets, ctx);
    expect(injection.engineArgs.join(' ')).not.toContain(value);

    await build('Dockerfile.insecure', image, injection);
    await injection.dispose();

    const proof = await docker(['run', '--rm', '--network=host', image, 'cat', '/proof/token.sha256']);
    expect(proof.trim()).toBe(sha256(value));
    // This is why build-arg is refused by default: `docker history` shows the value to anyone with the image.
    expect(await docker(['history', '--no-trunc', image])).toContain(value);
    expect((await scanImage(image, { build_token: value })).length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(value);
  });

  it('declaring ARG HTTP_PROXY puts the proxy back into history, and both the strategy and the plan check say so', async () => {
    allowCanaryOutput(/^child .*docker std(out|err)$/, 'docker build and docker history print the value here on purpose: this test proves it IS in the history (the accepted risk)');
    const proxy = `http://127.0.0.1:9/${makeCanary('e2e-proxy')}`;
    const image = tag();
    const strategy = buildArgStrategy();
    const ctx = await context('Dockerfile.proxy-declared');
    const secrets = [secret('corp_proxy', proxy, { buildArg: 'HTTP_PROXY' })];
    strategy.validate?.(secrets, ctx);
    expect(logs.join('\n')).toMatch(/declares ARG HTTP_PROXY/);
    const findings = checkDockerfileAgainstConfig(await readDockerfile(join(FIXTURES, 'Dockerfile.proxy-declared')), configSchema.parse({
      version: 1, providers: { local: { use: 'env' } }, secrets: { corp_proxy: { from: 'local', ref: 'P', inject: 'build-arg', buildArg: 'HTTP_PROXY' } },
    }));
    expect(findings.map((f) => f.code)).toEqual(['proxy-arg-declared']);

    const injection = await strategy.prepare(secrets, ctx);
    await build('Dockerfile.proxy-declared', image, injection);
    await injection.dispose();
    expect(await docker(['history', '--no-trunc', image])).toContain(proxy);
  });
});
