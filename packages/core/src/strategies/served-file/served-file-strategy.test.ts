import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretConfig } from '../../config/schema.js';
import { createServer } from 'node:net';
import { createRedactor } from '../../redaction/redactor.js';
import { SecretValue } from '../../secret-value.js';
import type { PreparedInjection, SecretForInjection, StrategyContext } from '../types.js';
import { servedFileStrategy } from './served-file-strategy.js';
import { tokenFor } from './token-list.js';
import { testStrategyContext } from '../__fixtures__/test-strategy-context.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

const VALUE = makeCanary('strategy-value');

/** Fetch `id` with its own token picked from the `<id>=<token>` list (or `as`'s token, to try another's). */
function fetchStatus(url: string, list: string, id: string, as = id): Promise<number> {
  const token = tokenFor(list, as) ?? 'none';
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/secrets/${id}`, { headers: { Authorization: `Bearer ${token}` }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function secret(id: string, config: Partial<SecretConfig> = {}): SecretForInjection {
  return { id, value: SecretValue.from(VALUE), config: { from: 'env', ref: id.toUpperCase(), inject: 'served-file', ...config } };
}

describe('servedFileStrategy', () => {
  const lines: string[] = [];
  const redactor = createRedactor();
  const abort = new AbortController();
  let prepared: PreparedInjection | undefined;

  function context(declaredArgs: string[] = []): StrategyContext {
    // Deliberately not redacting: the canary must prove the strategy never logs the value or token.
    return testStrategyContext({ lines, redactLogs: false, overrides: { signal: abort.signal, redactor, declaredArgs: new Set(declaredArgs) } });
  }

  afterEach(async () => {
    await prepared?.dispose();
    const text = lines.join('\n');
    expect(text).not.toContain(VALUE);
    for (const pair of (prepared?.env['BUILDSECRETS_TOKEN'] ?? '').split(' ').filter(Boolean)) expect(text).not.toContain(pair.split('=')[1]);
  });

  it('passes only build-arg names on the command line and the URL and token in the environment', async () => {
    prepared = await servedFileStrategy().prepare([secret('npm_token')], context(['BUILDSECRETS_URL', 'BUILDSECRETS_TOKEN']));
    expect(prepared.engineArgs).toEqual(['--build-arg', 'BUILDSECRETS_URL', '--build-arg', 'BUILDSECRETS_TOKEN']);
    expect(prepared.env['BUILDSECRETS_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(prepared.env['BUILDSECRETS_TOKEN']).toMatch(/^npm_token=[A-Za-z0-9_-]{43}$/);
    expect(prepared.summary.join('\n')).not.toContain(prepared.env['BUILDSECRETS_TOKEN']?.slice(10));
    expect(lines.filter((l) => l.includes('warn'))).toEqual([]);
  });

  it('gives every secret its own token and registers each with the redactor', async () => {
    prepared = await servedFileStrategy().prepare([secret('npm_token'), secret('db')], context());
    const list = prepared.env['BUILDSECRETS_TOKEN'] ?? '';
    const tokens = ['npm_token', 'db'].map((id) => tokenFor(list, id) ?? 'missing');
    expect(new Set(tokens).size).toBe(2);
    for (const token of tokens) expect(redactor.redact(`token=${token}`)).not.toContain(token);
  });

  it("refuses a secret to another secret's token", async () => {
    prepared = await servedFileStrategy().prepare([secret('a'), secret('b')], context());
    const { BUILDSECRETS_URL: url = '', BUILDSECRETS_TOKEN: list = '' } = prepared.env;
    expect(await fetchStatus(url, list, 'a', 'b')).toBe(403);
    expect(await fetchStatus(url, list, 'a')).toBe(200);
  });

  it('declares itself single-use, so the build never starts it on a guessed engine it might have to run again', () => {
    expect(servedFileStrategy().singleUse).toBe(true);
  });

  it('serves each secret maxReads times and nothing after dispose', async () => {
    prepared = await servedFileStrategy().prepare([secret('a'), secret('b', { maxReads: 2 })], context());
    const { BUILDSECRETS_URL: url = '', BUILDSECRETS_TOKEN: token = '' } = prepared.env;
    expect([await fetchStatus(url, token, 'a'), await fetchStatus(url, token, 'a')]).toEqual([200, 403]);
    expect([await fetchStatus(url, token, 'b'), await fetchStatus(url, token, 'b'), await fetchStatus(url, token, 'b')]).toEqual([200, 200, 403]);
    await prepared.dispose();
    await prepared.dispose();
    await expect(fetchStatus(url, token, 'b')).rejects.toThrow();
  });

  it('warns when the Dockerfile declares ARGs but not the two it needs', async () => {
    prepared = await servedFileStrategy().prepare([secret('npm_token')], context(['OTHER']));
    expect(lines.some((l) => l.includes('warn') && l.includes('BUILDSECRETS_URL, BUILDSECRETS_TOKEN'))).toBe(true);
  });

  it('stops serving when the run is aborted', async () => {
    const own = new AbortController();
    prepared = await servedFileStrategy().prepare([secret('npm_token')], { ...context(), signal: own.signal });
    own.abort();
    await expect(fetchStatus(prepared.env['BUILDSECRETS_URL'] ?? '', prepared.env['BUILDSECRETS_TOKEN'] ?? '', 'npm_token')).rejects.toThrow();
  });

  it('fails with a typed error naming what to change when it cannot listen', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const error = await servedFileStrategy()
      .prepare([secret('npm_token')], { ...context(), build: { docker: 'docker', audit: true, servedFile: { host: '127.0.0.1', port } } })
      .catch((e: unknown) => e)
      .finally(() => taken.close());
    expect(error).toMatchObject({ code: 'STRATEGY_REFUSED' });
    expect(String((error as Error).message)).toContain('build.servedFile.host');
  });
});

describe('servedFile.host beyond loopback', () => {
  it('is refused by the config unless allowRemote is true', async () => {
    const { buildConfigSchema } = await import('../../config/schema.js');
    for (const host of ['0.0.0.0', '::', '172.17.0.1', '192.168.1.10', 'build-host.example']) {
      const result = buildConfigSchema.safeParse({ servedFile: { host } });
      expect([host, result.success]).toEqual([host, false]);
      expect(JSON.stringify(result.error?.issues)).toContain('allowRemote: true');
      expect(buildConfigSchema.safeParse({ servedFile: { host, allowRemote: true } }).success).toBe(true);
    }
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '[::1]']) expect([host, buildConfigSchema.safeParse({ servedFile: { host } }).success]).toEqual([host, true]);
  });

  it('with allowRemote, prints a warning naming the interface', async () => {
    const lines: string[] = [];
    const context = testStrategyContext({ lines, redactLogs: false });
    const prepared = await servedFileStrategy().prepare([secret('npm_token')], { ...context, build: { docker: 'docker', audit: true, servedFile: { host: '0.0.0.0', port: 0, allowRemote: true } } });
    try {
      expect(lines.some((l) => l.includes('warn') && l.includes('listening on every interface (0.0.0.0)'))).toBe(true);
    } finally {
      await prepared.dispose();
    }
    const { interfaceOf } = await import('./remote-warning.js');
    expect(interfaceOf('127.0.0.1')).toMatch(/^interface lo\b/);
  });
});
