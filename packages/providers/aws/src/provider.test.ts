import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecretNotFoundError, type SecretResult } from '@buildsecrets/core';
import { startAwsSecretsManagerTestServer, type AwsSecretsManagerTestServer } from '@buildsecrets/test-kit';
import { CANARY, assertNoLeak, makeProvider, resolveAll, useAwsTestEnv } from './__fixtures__/harness.js';

let server: AwsSecretsManagerTestServer;
let restoreEnv: () => void;
const logs: string[][] = [];
const errors: unknown[] = [];

function value(result: SecretResult | undefined): string {
  if (!result?.ok) throw new Error(`expected a value, got ${result ? result.error.message : 'nothing'}`);
  return result.value.revealString();
}

function failure(result: SecretResult | undefined): Extract<SecretResult, { ok: false }>['error'] {
  if (!result || result.ok) throw new Error('expected a failure');
  errors.push(result.error);
  return result.error;
}

async function provider(options = {}) {
  const made = await makeProvider(server, options);
  logs.push(made.logs);
  return made.provider;
}

beforeAll(async () => {
  server = await startAwsSecretsManagerTestServer();
  restoreEnv = useAwsTestEnv(server);
  server.putSecret('app/db', JSON.stringify({ password: `${CANARY}-db`, 'db.host': 'db.internal', nested: { port: 5432 } }));
  server.putSecret('app/token', `${CANARY}-token-v1`, { versionId: '11111111-1111-4111-8111-111111111111' });
  server.putSecret('app/token', `${CANARY}-token-v2`, { versionId: '22222222-2222-4222-8222-222222222222' });
  server.putSecret('app/token', `${CANARY}-token-rc`, { versionId: '33333333-3333-4333-8333-333333333333', stages: ['RELEASE'] });
  server.putSecret('app/cert', Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]));
});

afterEach(() => server.resetCounts());

afterAll(async () => {
  restoreEnv();
  await server.close();
  assertNoLeak([...errors, ...logs.flat()], [CANARY, server.credentials.secretAccessKey, server.credentials.accessKeyId]);
});

describe('aws provider against the Secrets Manager test server', () => {
  it('reads the current SecretString of a secret by name', async () => {
    const [r] = await resolveAll(await provider(), [{ id: 'token', ref: 'app/token' }]);
    expect(value(r)).toBe(`${CANARY}-token-v2`);
    expect(server.count('GetSecretValue')).toBe(1);
  });

  it('reads a secret by full ARN and by partial ARN (without the random suffix)', async () => {
    const { arn } = server.putSecret('app/by-arn', 'arn-value');
    const partial = arn.slice(0, -7);
    const results = await resolveAll(await provider(), [{ id: 'full', ref: arn }, { id: 'partial', ref: partial }]);
    expect(results.map(value)).toEqual(['arn-value', 'arn-value']);
  });

  it('pins a VersionId, the AWSPREVIOUS stage and a custom stage', async () => {
    const results = await resolveAll(await provider(), [
      { id: 'v1', ref: 'app/token', version: '11111111-1111-4111-8111-111111111111' },
      { id: 'prev', ref: 'app/token', version: 'stage:AWSPREVIOUS' },
      { id: 'rc', ref: 'app/token', version: 'stage:RELEASE' },
      { id: 'cur', ref: 'app/token', version: 'stage:AWSCURRENT' },
    ]);
    expect(results.map(value)).toEqual([`${CANARY}-token-v1`, `${CANARY}-token-v1`, `${CANARY}-token-rc`, `${CANARY}-token-v2`]);
  });

  it('fails a pin to a version or stage that does not exist as not found', async () => {
    const results = await resolveAll(await provider(), [
      { id: 'gone', ref: 'app/token', version: '99999999-9999-4999-8999-999999999999' },
      { id: 'nostage', ref: 'app/token', version: 'stage:NOPE' },
    ]);
    for (const r of results) expect(failure(r)).toBeInstanceOf(SecretNotFoundError);
    expect(failure(results[1]).message).toContain('stage NOPE');
  });

  it('rejects a malformed version pin without calling AWS', async () => {
    const [r] = await resolveAll(await provider(), [{ id: 'bad', ref: 'app/token', version: 'stage:' }]);
    expect(failure(r).code).toBe('SECRET_INVALID');
    expect(failure(r).message).toContain('"bad"');
    expect(server.count('GetSecretValue')).toBe(0);
  });

  it('picks JSON keys, including a key that itself contains a dot and a nested path', async () => {
    const results = await resolveAll(await provider(), [
      { id: 'pw', ref: 'app/db', key: 'password' },
      { id: 'host', ref: 'app/db', key: 'db.host' },
      { id: 'port', ref: 'app/db', key: 'nested.port' },
    ]);
    expect(results.map(value)).toEqual([`${CANARY}-db`, 'db.internal', '5432']);
  });

  it('fetches a secret once when several requests pick different keys of it', async () => {
    await resolveAll(await provider(), [{ id: 'a', ref: 'app/db', key: 'password' }, { id: 'b', ref: 'app/db', key: 'db.host' }]);
    expect(server.count('GetSecretValue') + server.count('BatchGetSecretValue')).toBe(1);
  });

  it('names a missing key and the number of keys present (not their names), never a value', async () => {
    const [r] = await resolveAll(await provider(), [{ id: 'nokey', ref: 'app/db', key: 'user' }]);
    const err = failure(r);
    expect(err).toBeInstanceOf(SecretNotFoundError);
    expect(err.message).toContain('"user"');
    expect(err.message).toMatch(/it has \d+ keys?/);
    expect(err.message).not.toContain('password');
  });

  it('returns SecretBinary as the exact bytes', async () => {
    const [r] = await resolveAll(await provider(), [{ id: 'cert', ref: 'app/cert' }]);
    if (!r?.ok) throw new Error('expected a value');
    expect([...r.value.reveal()]).toEqual([0x00, 0xff, 0x10, 0x80, 0x7f]);
  });

  it('describes a request for `plan` without fetching it', async () => {
    const p = await provider();
    expect(p.describe?.({ id: 'x', ref: 'app/token', version: 'stage:AWSPREVIOUS', key: 'k' })).toBe(
      `AWS Secrets Manager secret app/token stage AWSPREVIOUS key k in region ${server.region}`,
    );
    expect(server.count('GetSecretValue')).toBe(0);
  });

  it('is idempotent on dispose, and refuses to resolve afterwards', async () => {
    const p = await provider();
    await expect(Promise.resolve(p.dispose())).resolves.toBeUndefined();
    await expect(Promise.resolve(p.dispose())).resolves.toBeUndefined();
    await expect(p.resolve([{ id: 'x', ref: 'x' }], new AbortController().signal)).rejects.toThrow('provider used after dispose');
  });
});
