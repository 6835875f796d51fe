import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@buildsecrets/core';
import { sealSneaker, sealSneakerEnvelope, startKmsTestServer } from '@buildsecrets/test-kit';
import { CANARY, codeOf, errorSurface, makeProvider, resolveOnce, startSneakerBackend, textOf, type SneakerBackend } from './__fixtures__/harness.js';
import { resolveObjects } from './resolve-objects.js';
import type { SneakerCalls } from './sneaker-calls.js';

let backend: SneakerBackend;
const PATH = 's3://errors-bucket/app/';
const put = (secrets: Record<string, string>, keyId?: string) => sealSneaker({ kms: backend.kms, s3: backend.s3, path: PATH, secrets, ...(keyId ? { keyId } : {}) });
const failedSurface = (r: { ok: boolean; error?: unknown } | undefined): string => errorSurface(r && !r.ok ? r.error : undefined);

beforeAll(async () => {
  backend = await startSneakerBackend();
  put({ ok: `${CANARY}-ok`, other: `${CANARY}-other` });
});
afterAll(async () => {
  await backend.close();
});

describe('sneaker provider errors', () => {
  it('reports a missing object, version or bucket as SECRET_NOT_FOUND naming the S3 path', async () => {
    const { results } = await resolveOnce(backend.options(PATH), [{ id: 'a', ref: 'nope' }, { id: 'b', ref: 'ok', version: 'no-such-version' }]);
    expect(results.map(codeOf)).toEqual(['SECRET_NOT_FOUND', 'SECRET_NOT_FOUND']);
    expect(results[0]!.ok ? '' : results[0]!.error.message).toContain('s3://errors-bucket/app/nope');
    const other = await resolveOnce(backend.options('s3://no-such-bucket/'), [{ id: 'a', ref: 'ok' }]);
    expect(codeOf(other.results[0])).toBe('SECRET_NOT_FOUND');
  });

  it('reports KMS AccessDenied as PERMISSION_DENIED naming the key ARN, and S3 AccessDenied as PERMISSION_DENIED', async () => {
    const denied = backend.kms.createKey('alias/denied');
    put({ 'kms-denied': `${CANARY}-denied` }, denied.arn);
    backend.kms.denyKey(denied.keyId);
    backend.s3.denyObject('errors-bucket', 'app/other');
    try {
      const { results } = await resolveOnce(backend.options(PATH), [{ id: 'k', ref: 'kms-denied' }, { id: 's', ref: 'other' }, { id: 'fine', ref: 'ok' }]);
      expect(results.map(codeOf)).toEqual(['PERMISSION_DENIED', 'PERMISSION_DENIED', 'OK']);
      expect(results[0]!.ok ? '' : results[0]!.error.message).toContain(denied.arn);
      expect(results[1]!.ok ? '' : results[1]!.error.message).toContain('S3');
      for (const r of results.slice(0, 2)) expect(failedSurface(r)).not.toContain(CANARY);
    } finally {
      backend.kms.denyKey(denied.keyId, false);
      backend.s3.denyObject('errors-bucket', 'app/other', false);
    }
  });

  it('reports an object sealed under another KMS (a wrong key) as SECRET_INVALID', async () => {
    const foreign = await startKmsTestServer();
    try {
      backend.s3.putObject('errors-bucket', 'app/foreign', sealSneakerEnvelope(foreign, `${CANARY}-foreign`, { Path: 's3://errors-bucket/app/foreign' }));
      const { results } = await resolveOnce(backend.options(PATH), [{ id: 'f', ref: 'foreign' }]);
      expect(codeOf(results[0])).toBe('SECRET_INVALID');
      expect(failedSurface(results[0])).not.toContain(CANARY);
    } finally {
      await foreign.close();
    }
  });

  it('reports throttling, 5xx and a cut connection as PROVIDER_UNAVAILABLE, and bad credentials as AUTHENTICATION_FAILED', async () => {
    backend.s3.failNext(1, 'throttle');
    expect(codeOf((await resolveOnce(backend.options(PATH), [{ id: 'a', ref: 'ok' }])).results[0])).toBe('PROVIDER_UNAVAILABLE');
    backend.kms.failNext(1, 'server-error');
    expect(codeOf((await resolveOnce(backend.options(PATH), [{ id: 'a', ref: 'ok' }])).results[0])).toBe('PROVIDER_UNAVAILABLE');
    backend.s3.failNext(1, 'reset');
    expect(codeOf((await resolveOnce(backend.options(PATH), [{ id: 'a', ref: 'ok' }])).results[0])).toBe('PROVIDER_UNAVAILABLE');
    const saved = process.env['AWS_SECRET_ACCESS_KEY'];
    process.env['AWS_SECRET_ACCESS_KEY'] = 'not-the-key';
    try {
      expect(codeOf((await resolveOnce(backend.options(PATH), [{ id: 'a', ref: 'ok' }])).results[0])).toMatch(/^AUTHENTICATION/);
    } finally {
      process.env['AWS_SECRET_ACCESS_KEY'] = saved;
    }
  });

  it('refuses an invalid version pin, and a ref that leaves the prefix or is empty, as SECRET_INVALID without calling S3', async () => {
    backend.s3.resetCounts();
    const { results } = await resolveOnce(backend.options(PATH), [{ id: 'v', ref: 'ok', version: 'has spaces' }, { id: 'up', ref: '../app/ok' }, { id: 'mid', ref: 'x/../../ok' }, { id: 'empty', ref: '/' }]);
    expect(results.map(codeOf)).toEqual(['SECRET_INVALID', 'SECRET_INVALID', 'SECRET_INVALID', 'SECRET_INVALID']);
    expect(backend.s3.count('GetObject')).toBe(0);
  });

  it('fetches and opens each distinct (path, version) once: one GetObject and one Decrypt each', async () => {
    backend.s3.resetCounts();
    backend.kms.resetCounts();
    const { results } = await resolveOnce(backend.options(PATH), [{ id: 'a', ref: 'ok' }, { id: 'b', ref: 'ok' }, { id: 'c', ref: 'other' }]);
    expect(results.map(textOf)).toEqual([`${CANARY}-ok`, `${CANARY}-ok`, `${CANARY}-other`]);
    expect(backend.s3.count('GetObject')).toBe(2);
    expect(backend.kms.count('Decrypt')).toBe(2);
  });

  it('fails create with a ConfigError naming the option when no path is set, or SNEAKER_* variables are malformed', async () => {
    const { path: _p, ...noPath } = backend.options(PATH);
    await expect(makeProvider(noPath)).rejects.toThrow(ConfigError);
    await expect(makeProvider(noPath, { env: { SNEAKER_S3_PATH: 'https://not-s3/x' } })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('options.path') });
    await expect(makeProvider(noPath, { env: { SNEAKER_S3_PATH: PATH, SNEAKER_MASTER_CONTEXT: 'a=1,broken' } })).rejects.toMatchObject({ message: expect.stringContaining('options.context') });
  });
});

describe('the data key', () => {
  it('is zeroed after use, when the object opens and when it does not, and never shows in errors', async () => {
    const keys: Uint8Array[] = [];
    const seal = (value: string, aad: string, key: Buffer): Buffer => {
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(aad));
      const body = Buffer.concat([c.update(value), c.final(), c.getAuthTag()]);
      return Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('blob'), nonce, body]);
    };
    const key = randomBytes(32);
    const objects: Record<string, Buffer> = { good: seal('zero-me', 'arn:key', key), bad: seal('zero-me', 'arn:other-key', key) };
    const calls: SneakerCalls = {
      getObject: async (_b, k) => ({ body: Buffer.from(objects[k.split('/').pop()!]!), versionId: undefined, etag: undefined }),
      async decryptDataKey() {
        const plaintext = Buffer.from(key);
        keys.push(plaintext);
        return { plaintext, keyId: 'arn:key' };
      },
      destroy() {},
    };
    const never = new AbortController().signal;
    const results = await resolveObjects([{ id: 'good', ref: 'good' }, { id: 'bad', ref: 'bad' }], {
      calls, location: { bucket: 'b', prefix: 'p' }, masterContext: {}, provider: 'sneaker', cancel: never, deadline: never,
    });
    expect(textOf(results[0])).toBe('zero-me');
    expect(codeOf(results[1])).toBe('SECRET_INVALID');
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k.every((b) => b === 0)).toBe(true);
    const surface = failedSurface(results[1]);
    for (const form of [key.toString('hex'), key.toString('base64'), 'zero-me']) expect(surface).not.toContain(form);
  });
});
