import { beforeEach, describe, expect, it } from 'vitest';
import { secretConfigSchema, type SecretConfig } from '../config/schema.js';
import { DOCKER_PROXY_ARGS } from '../dockerfile/proxy-args.js';
import { StrategyRefusedError } from '../errors/index.js';
import { SecretValue } from '../secret-value.js';
import { CANARIES, makeCanary } from '../../../../test/setup/canary-values.js';
import { buildArgStrategy } from './build-arg.js';
import type { SecretForInjection, StrategyContext } from './types.js';
import { testStrategyContext } from './__fixtures__/test-strategy-context.js';

let lines: string[];

function context(declaredArgs: string[] = []): StrategyContext {
  return testStrategyContext({
    lines,
    logLevel: 'info',
    overrides: { tempDir: () => Promise.reject(new Error('build-arg needs no temp dir')), declaredArgs: new Set(declaredArgs) },
  });
}

const entry = (id: string, config: Partial<SecretConfig> = {}) => ({ id, config: secretConfigSchema.parse({ from: 'local', ref: id, inject: 'build-arg', ...config }) });
const canary = (): string => makeCanary('build-arg');
const withValue = (e: ReturnType<typeof entry>, value: string): SecretForInjection => ({ ...e, value: SecretValue.from(value) });

beforeEach(() => {
  lines = [];
});

describe('buildArgStrategy.validate', () => {
  it('refuses a non-proxy secret without allowInsecure, naming the id, the leak and the way out', () => {
    const err = (() => {
      try {
        buildArgStrategy().validate?.([entry('npm_token')], context());
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(StrategyRefusedError);
    expect(err).toMatchObject({ code: 'STRATEGY_REFUSED', secretId: 'npm_token' });
    const message = (err as Error).message;
    expect(message).toContain('"npm_token"');
    expect(message).toContain('docker history');
    expect(message).toContain('secret-mount');
    expect(message).toContain('allowInsecure: true');
  });

  it('accepts every Docker proxy arg without allowInsecure', () => {
    for (const name of DOCKER_PROXY_ARGS) expect(() => buildArgStrategy().validate?.([entry('proxy', { buildArg: name })], context())).not.toThrow();
    expect(lines).toEqual([]);
  });

  it('warns when the Dockerfile declares the proxy arg it carries', () => {
    buildArgStrategy().validate?.([entry('proxy', { buildArg: 'HTTPS_PROXY' })], context(['HTTPS_PROXY']));
    expect(lines.join('\n')).toMatch(/declares ARG HTTPS_PROXY.*history/);
  });

  it('accepts an insecure secret with allowInsecure and says the value will be in the history', () => {
    expect(() => buildArgStrategy().validate?.([entry('version', { allowInsecure: true })], context(['version']))).not.toThrow();
    expect(lines.join('\n')).toMatch(/version.*visible in the image history/);
  });

  it('refuses names docker cannot take, duplicates, and names the engine reads itself', () => {
    const v = (entries: ReturnType<typeof entry>[]) => () => buildArgStrategy().validate?.(entries, context());
    expect(v([entry('npm.token', { allowInsecure: true })])).toThrow(/buildArg/);
    expect(v([entry('a', { buildArg: 'HTTP_PROXY' }), entry('b', { buildArg: 'HTTP_PROXY' })])).toThrow(/both/);
    expect(v([entry('a', { buildArg: 'DOCKER_HOST', allowInsecure: true })])).toThrow(StrategyRefusedError);
  });
});

describe('buildArgStrategy.prepare', () => {
  it('passes only the name on the command line and the value in env', async () => {
    const proxy = canary();
    const other = CANARIES.other;
    const injection = await buildArgStrategy().prepare(
      [withValue(entry('proxy', { buildArg: 'HTTP_PROXY' }), proxy), withValue(entry('rev', { buildArg: 'GIT_REV', allowInsecure: true }), other)],
      context(),
    );
    expect(injection.engineArgs).toEqual(['--build-arg', 'HTTP_PROXY', '--build-arg', 'GIT_REV']);
    expect(injection.env).toEqual({ HTTP_PROXY: proxy, GIT_REV: other });
    const visible = JSON.stringify([injection.engineArgs, injection.summary, lines]);
    expect(visible).not.toContain(proxy);
    expect(visible).not.toContain(other);
    expect(process.env['GIT_REV']).toBeUndefined();
    await injection.dispose();
    await injection.dispose();
  });

  it('refuses again in prepare, so skipping validate cannot leak', async () => {
    const value = canary();
    const err = await buildArgStrategy().prepare([withValue(entry('tok'), value)], context()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyRefusedError);
    expect(`${(err as Error).message}${(err as Error).stack}`).not.toContain(value);
  });
});
