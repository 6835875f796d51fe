import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildSecretsError, SecretProvider, SecretResult } from '@buildsecrets/core';
import { createTestContext, runProviderConformance } from '@buildsecrets/test-kit';
import keywhiz from '../index.js';
import { keywhizOptionsSchema } from '../options.js';
import { CANARY } from '../__fixtures__/secret-dir.js';
import { startFakeKeywhiz, type Answer, type FakeKeywhiz } from '../__fixtures__/keywhiz-server.js';
import { makeTlsMaterial, type TlsMaterial } from '../__fixtures__/tls.js';

const answers: Record<string, Answer> = {
  'db-password': { secret: Buffer.from(`pw-${CANARY}`) },
  empty: { secret: Buffer.alloc(0) },
  'db.json': { secret: Buffer.from(JSON.stringify({ user: 'app', password: CANARY })) },
  binary: { secret: Buffer.from([0, 255, 128, 10]) },
  expired: { secret: Buffer.from(CANARY), expiry: 1_000_000_000 },
  unauthorized: { status: 401, body: CANARY },
  forbidden: { status: 403, body: CANARY },
  unavailable: { status: 503, body: CANARY },
  teapot: { status: 418 },
  'not-json': { raw: `not json ${CANARY}` },
  'no-field': { raw: JSON.stringify({ name: 'no-field', value: CANARY }) },
  'bad-base64': { raw: JSON.stringify({ name: 'bad-base64', secret: `${CANARY}!!` }) },
  hang: 'hang',
};

let tls: TlsMaterial;
let server: FakeKeywhiz;
const test = createTestContext({ instanceName: 'kw' });

beforeAll(async () => {
  tls = makeTlsMaterial();
  server = await startFakeKeywhiz(tls, answers);
});
afterAll(async () => {
  await server.close();
  tls.remove();
});

function create(overrides: Record<string, unknown> = {}): Promise<SecretProvider> {
  const options = keywhizOptionsSchema.parse({ mode: 'server', url: server.url, clientCert: tls.clientCert, clientKey: tls.clientKey, ca: tls.ca, ...overrides });
  return Promise.resolve(keywhiz.create(options, test.context));
}

async function resolveOne(ref: string, overrides: Record<string, unknown> = {}, key?: string): Promise<SecretResult> {
  const p = await create(overrides);
  try {
    const [r] = await p.resolve([{ id: 'sec', ref, ...(key ? { key } : {}) }], new AbortController().signal);
    return r!;
  } finally {
    await p.dispose();
  }
}

function errorOf(result: SecretResult): BuildSecretsError {
  if (result.ok) throw new Error('expected an error, got a value');
  const all = [result.error.message, result.error.stack, inspect(result.error, { depth: 5 })].join('\n');
  expect(all).not.toContain(CANARY);
  expect(all).not.toContain(Buffer.from(CANARY).toString('base64'));
  expect(result.error.secretId).toBe('sec');
  return result.error;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('keywhiz server mode', () => {
  it('fetches and base64-decodes a secret over mTLS', async () => {
    const r = await resolveOne('db-password');
    expect(r.ok && r.value.revealString()).toBe(`pw-${CANARY}`);
    const bin = await resolveOne('binary');
    expect(bin.ok && [...bin.value.reveal()]).toEqual([0, 255, 128, 10]);
  });

  it('reads the PEMs from paths relative to the config directory', async () => {
    const paths = { clientCert: 'client.pem', clientKey: 'client.key', ca: 'ca.pem' };
    const options = keywhizOptionsSchema.parse({ mode: 'server', url: server.url, ...paths });
    const p = await keywhiz.create(options, { ...test.context, baseDir: tls.dir });
    const [r] = await p.resolve([{ id: 'sec', ref: 'db-password' }], new AbortController().signal);
    expect(r!.ok).toBe(true);
    await p.dispose();
    expect(test.sensitiveLabels).toContain('keywhiz client key');
  });

  it('fails create with a ConfigError naming the option when a PEM file is missing', async () => {
    await expect(create({ ca: 'no-such-ca.pem' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('options.ca') });
  });

  it.each([
    ['missing', 'SECRET_NOT_FOUND', false],
    ['unauthorized', 'AUTHENTICATION_FAILED', false],
    ['forbidden', 'PERMISSION_DENIED', false],
    ['unavailable', 'PROVIDER_UNAVAILABLE', true],
    ['teapot', 'PROVIDER_UNAVAILABLE', false],
  ])('maps the answer for %s to %s (retryable: %s)', async (ref, code, retryable) => {
    const error = errorOf(await resolveOne(ref));
    expect([error.code, error.retryable]).toEqual([code, retryable]);
  });

  it.each([
    ['not-json', 'the body is not JSON'],
    ['no-field', 'no "secret" string field'],
    ['bad-base64', 'not valid base64'],
  ])('rejects a malformed answer (%s) without quoting the body', async (ref, why) => {
    const error = errorOf(await resolveOne(ref));
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.message).toContain(why);
  });

  it('fails an expired secret', async () => {
    expect(errorOf(await resolveOne('expired')).message).toContain('expired at');
  });

  it('times out a server that never answers, retryably, naming the host', async () => {
    const error = errorOf(await resolveOne('hang', { timeoutMs: 200 }));
    expect([error.code, error.retryable]).toEqual(['TIMEOUT', true]);
    expect(error.message).toContain(new URL(server.url).host);
  });

  it('reports a refused connection as retryable, naming the host', async () => {
    const port = await closedPort();
    const error = errorOf(await resolveOne('db-password', { url: `https://127.0.0.1:${port}` }));
    expect([error.code, error.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('is rejected by the server with a client certificate from another CA', async () => {
    const before = server.served.length;
    const error = errorOf(await resolveOne('db-password', { clientCert: tls.rogueCert, clientKey: tls.rogueKey }));
    // TLS 1.3 reports the server's refusal as an alert or, racing it, as a plain reset.
    expect(['AUTHENTICATION_FAILED', 'PROVIDER_UNAVAILABLE']).toContain(error.code);
    expect(error.message).toContain('client certificate');
    expect(server.served.length).toBe(before);
  });

  it('rejects a server whose certificate another CA signed (only the pinned CA is trusted)', async () => {
    const rogue = await startFakeKeywhiz(tls, answers, { cert: tls.rogueCert, key: tls.rogueKey });
    try {
      const error = errorOf(await resolveOne('db-password', { url: rogue.url }));
      expect(error.code).toBe('AUTHENTICATION_FAILED');
      expect(error.message).toContain('not trusted by the configured CA');
    } finally {
      await rogue.close();
    }
  });

  it('logs nothing that holds a value', () => {
    expect(test.logs.join('\n')).not.toContain(CANARY);
  });
});

describe('keywhiz server mode conformance', () => {
  runProviderConformance({
    it,
    expect,
    create: () => create(),
    capabilities: keywhiz.capabilities,
    name: 'keywhiz server',
    seed: {
      found: { ref: 'db-password', value: `pw-${CANARY}` },
      missing: { ref: 'missing' },
      empty: { ref: 'empty' },
      json: { ref: 'db.json', key: 'password', value: CANARY, missingKey: 'host' },
      invalid: [{ ref: 'not-json' }, { ref: 'no-field' }, { ref: 'bad-base64' }, { ref: 'unauthorized' }, { ref: 'db-password', key: 'x' }],
      slow: { ref: 'hang' },
      canary: CANARY,
    },
  });
});
