import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermissionDeniedError, SecretNotFoundError } from '@buildsecrets/core';
import { startAwsSecretsManagerTestServer, type AwsSecretsManagerTestServer } from '@buildsecrets/test-kit';
import { CANARY, assertNoLeak, makeProvider, resolveAll, useAwsTestEnv } from './__fixtures__/harness.js';

let server: AwsSecretsManagerTestServer;
let restoreEnv: () => void;
const seen: unknown[] = [];
const names = Array.from({ length: 45 }, (_, i) => `batch/s${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  server = await startAwsSecretsManagerTestServer();
  restoreEnv = useAwsTestEnv(server);
  for (const n of names) server.putSecret(n, `${CANARY}-${n}`);
});

afterEach(() => {
  server.resetCounts();
  server.denyBatch(false);
});

afterAll(async () => {
  restoreEnv();
  await server.close();
  assertNoLeak(seen, [CANARY, server.credentials.secretAccessKey]);
});

describe('aws provider batching', () => {
  it('fetches 45 secrets with 3 BatchGetSecretValue calls of at most 20 and no single calls', async () => {
    const { provider, logs } = await makeProvider(server);
    seen.push(...logs);
    const results = await resolveAll(provider, names.map((n, i) => ({ id: `id${i}`, ref: n })));
    expect(results.map((r) => (r.ok ? r.value.revealString() : r.error.message))).toEqual(names.map((n) => `${CANARY}-${n}`));
    expect(results.map((r) => r.id)).toEqual(names.map((_, i) => `id${i}`));
    expect(server.count('BatchGetSecretValue')).toBe(3);
    expect(server.count('GetSecretValue')).toBe(0);
  });

  it('maps per-item batch errors to the requests they belong to', async () => {
    server.putSecret('batch/kms', 'x');
    server.failSecret('batch/kms', 'DecryptionFailure');
    const { provider } = await makeProvider(server);
    const results = await resolveAll(provider, [
      { id: 'ok', ref: names[0]! },
      { id: 'missing', ref: 'batch/nope' },
      { id: 'kms', ref: 'batch/kms' },
      { id: 'ok2', ref: names[1]! },
    ]);
    seen.push(...results.filter((r) => !r.ok).map((r) => (r.ok ? undefined : r.error)));
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    const [, missing, kms] = results;
    if (missing?.ok !== false || kms?.ok !== false) throw new Error('expected failures');
    expect(missing.error).toBeInstanceOf(SecretNotFoundError);
    expect(missing.error.secretId).toBe('missing');
    expect(kms.error).toBeInstanceOf(PermissionDeniedError);
    expect(kms.error.message).toContain('kms:Decrypt');
    expect(server.count('BatchGetSecretValue')).toBe(1);
    expect(server.count('GetSecretValue')).toBe(0);
  });

  it('sends versioned requests through GetSecretValue, the rest through one batch', async () => {
    const { provider } = await makeProvider(server);
    const results = await resolveAll(provider, [
      { id: 'a', ref: names[0]! },
      { id: 'b', ref: names[1]! },
      { id: 'c', ref: names[2]!, version: 'stage:AWSCURRENT' },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.count('BatchGetSecretValue')).toBe(1);
    expect(server.count('GetSecretValue')).toBe(1);
  });

  it('falls back to GetSecretValue once batching is denied, and never asks for a batch again in the run', async () => {
    server.denyBatch();
    const { provider, logs } = await makeProvider(server);
    seen.push(...logs);
    const requests = names.map((n, i) => ({ id: `id${i}`, ref: n }));
    const first = await resolveAll(provider, requests);
    expect(first.every((r) => r.ok)).toBe(true);
    expect(server.count('BatchGetSecretValue')).toBe(1);
    expect(server.count('GetSecretValue')).toBe(45);
    expect(logs.some((l) => l.startsWith('debug:') && l.includes('BatchGetSecretValue'))).toBe(true);

    const again = await Promise.all([resolveAll(provider, requests.slice(0, 5)), resolveAll(provider, requests.slice(5, 10))]);
    expect(again.flat().every((r) => r.ok)).toBe(true);
    expect(server.count('BatchGetSecretValue')).toBe(1);
  });

  it('lets concurrent first calls wait for one denied probe instead of each being denied', async () => {
    server.denyBatch();
    const { provider } = await makeProvider(server);
    const requests = names.map((n, i) => ({ id: `id${i}`, ref: n }));
    const all = await Promise.all([resolveAll(provider, requests.slice(0, 10)), resolveAll(provider, requests.slice(10, 20)), resolveAll(provider, requests.slice(20))]);
    expect(all.flat().every((r) => r.ok)).toBe(true);
    expect(server.count('BatchGetSecretValue')).toBe(1);
  });

  it('uses GetSecretValue for a lone request', async () => {
    const { provider } = await makeProvider(server);
    await resolveAll(provider, [{ id: 'one', ref: names[0]! }]);
    expect(server.count('BatchGetSecretValue')).toBe(0);
    expect(server.count('GetSecretValue')).toBe(1);
  });
});
