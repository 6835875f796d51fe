import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InvalidSecretError,
  PermissionDeniedError,
  ProviderUnavailableError,
  SecretNotFoundError,
  TimeoutError,
  type BuildSecretsError,
  type SecretResult,
} from '@buildsecrets/core';
import { startGcpSecretManagerTestServer, type GcpSecretManagerTestServer } from '@buildsecrets/test-kit';
import { CANARY, assertNoLeak, makeProvider, resolveAll } from './__fixtures__/harness.js';

let server: GcpSecretManagerTestServer;
const seen: unknown[] = [];

function value(r: SecretResult | undefined): string {
  if (!r?.ok) throw new Error(`expected a value, got ${r ? r.error.message : 'nothing'}`);
  return r.value.revealString();
}

async function failure(ref: string, extra: { version?: string; key?: string } = {}, options = {}, context = {}): Promise<BuildSecretsError> {
  const { provider, logs } = await makeProvider(server, options, context);
  seen.push(...logs);
  const [r] = await resolveAll(provider, [{ id: 'sec', ref, ...extra }]);
  await provider.dispose();
  if (!r || r.ok) throw new Error('expected a failure');
  seen.push(r.error);
  expect(r.error.secretId).toBe('sec');
  expect(r.error.message.startsWith('[buildsecrets:gsm]')).toBe(true);
  return r.error;
}

beforeAll(async () => {
  server = await startGcpSecretManagerTestServer();
  server.addVersion('api-key', `${CANARY}-v1`);
  server.addVersion('api-key', `${CANARY}-v2`);
  server.addVersion('api-key', `${CANARY}-v3`);
  server.setVersionState('api-key', 3, 'DISABLED');
  server.addVersion('db', JSON.stringify({ password: `${CANARY}-db`, 'db.host': 'db.internal' }));
  server.addVersion('blob', Buffer.from([0x00, 0xff, 0x80, 0x0a]));
  server.addVersion('regional', `${CANARY}-eu`, { location: 'europe-west1' });
  server.addVersion('projects/other-project/secrets/shared', `${CANARY}-shared`);
  server.addVersion('flaky', `${CANARY}-flaky`);
});

afterEach(() => {
  server.resetCounts();
  server.setLatency(0);
  server.failNext(0, 'UNAVAILABLE');
});

afterAll(async () => {
  await server.close();
  assertNoLeak(seen, [CANARY]);
});

describe('gcp provider against the Secret Manager gRPC test server', () => {
  it('reads `latest` (the newest enabled version) of a short name, and numbered versions', async () => {
    const { provider } = await makeProvider(server);
    const results = await resolveAll(provider, [
      { id: 'latest', ref: 'api-key' },
      { id: 'v1', ref: 'api-key', version: '1' },
      { id: 'full', ref: `projects/${server.projectId}/secrets/api-key/versions/2` },
      { id: 'other', ref: 'projects/other-project/secrets/shared' },
    ]);
    expect(results.map(value)).toEqual([`${CANARY}-v2`, `${CANARY}-v1`, `${CANARY}-v2`, `${CANARY}-shared`]);
    expect(server.requests).toContain(`projects/${server.projectId}/secrets/api-key/versions/latest`);
    await provider.dispose();
  });

  it('reads regional secrets with `location`, by short name and by full name', async () => {
    const { provider } = await makeProvider(server, { location: 'europe-west1' });
    const results = await resolveAll(provider, [
      { id: 'short', ref: 'regional' },
      { id: 'full', ref: `projects/${server.projectId}/locations/europe-west1/secrets/regional` },
    ]);
    expect(results.map(value)).toEqual([`${CANARY}-eu`, `${CANARY}-eu`]);
    expect(server.requests[0]).toBe(`projects/${server.projectId}/locations/europe-west1/secrets/regional/versions/latest`);
    await provider.dispose();
  });

  it('picks JSON keys, including keys containing a dot, fetching the version once', async () => {
    const { provider } = await makeProvider(server);
    const results = await resolveAll(provider, [{ id: 'pw', ref: 'db', key: 'password' }, { id: 'host', ref: 'db', key: 'db.host' }]);
    expect(results.map(value)).toEqual([`${CANARY}-db`, 'db.internal']);
    expect(server.count()).toBe(1);
    await provider.dispose();
  });

  it('returns binary payloads byte for byte', async () => {
    const { provider } = await makeProvider(server);
    const [r] = await resolveAll(provider, [{ id: 'blob', ref: 'blob' }]);
    if (!r?.ok) throw new Error('expected a value');
    expect([...r.value.reveal()]).toEqual([0x00, 0xff, 0x80, 0x0a]);
    await provider.dispose();
  });

  it('fails a corrupted payload checksum with a retryable InvalidSecretError', async () => {
    server.corruptNextChecksums(1);
    const err = await failure('api-key');
    expect(err).toBeInstanceOf(InvalidSecretError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('CRC32C');
  });

  it('fails a disabled version (FAILED_PRECONDITION) as InvalidSecretError with the gcloud fix', async () => {
    const err = await failure('api-key', { version: '3' });
    expect(err).toBeInstanceOf(InvalidSecretError);
    expect(err.message).toContain('gcloud secrets versions enable');
    server.setVersionState('api-key', 1, 'DESTROYED');
    expect(await failure('api-key', { version: '1' })).toBeInstanceOf(InvalidSecretError);
    server.setVersionState('api-key', 1, 'ENABLED');
  });

  it('maps NOT_FOUND for a missing secret and a missing version', async () => {
    expect(await failure('no-such-secret')).toBeInstanceOf(SecretNotFoundError);
    expect(await failure('api-key', { version: '99' })).toBeInstanceOf(SecretNotFoundError);
  });

  it.each([
    ['PERMISSION_DENIED', PermissionDeniedError, false, 'roles/secretmanager.secretAccessor'],
    ['UNAUTHENTICATED', AuthenticationError, false, 'gcloud auth application-default login'],
    ['UNAVAILABLE', ProviderUnavailableError, true, 'unavailable'],
    ['RESOURCE_EXHAUSTED', ProviderUnavailableError, true, 'quota'],
  ] as const)('maps %s to %o (retryable %s)', async (status, type, retryable, text) => {
    server.failNext(1, status);
    const err = await failure('flaky');
    expect(err).toBeInstanceOf(type);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(text);
  });

  it('does not retry inside the client: one failure is one call, the resolver decides', async () => {
    server.failNext(1, 'UNAVAILABLE');
    await failure('flaky');
    expect(server.count()).toBe(1);
  });

  it('maps a server slower than the deadline to TimeoutError (DEADLINE_EXCEEDED)', async () => {
    server.setLatency(3_000);
    const err = await failure('flaky', {}, {}, { deadline: Date.now() + 300 });
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.retryable).toBe(true);
  });

  it('rejects malformed refs and contradictory version pins without a call', async () => {
    expect(await failure('projects/x/secrets/a/b')).toBeInstanceOf(InvalidSecretError);
    expect(await failure(`projects/${server.projectId}/secrets/api-key/versions/1`, { version: '2' })).toBeInstanceOf(InvalidSecretError);
    expect(await failure('api-key', { version: 'stage:x' })).toBeInstanceOf(InvalidSecretError);
    expect(server.count()).toBe(0);
  });

  it('refuses `insecure` towards anything but loopback', async () => {
    const { gcpProvider } = await import('./provider.js');
    const parsed = gcpProvider.optionsSchema.safeParse({ apiEndpoint: 'secretmanager.googleapis.com', insecure: true });
    expect(parsed.success).toBe(false);
  });

  it('describes a request without fetching it', async () => {
    const { provider } = await makeProvider(server, { location: 'europe-west1' });
    expect(provider.describe?.({ id: 'x', ref: 'api-key', version: '2', key: 'k' })).toBe(
      `Google Secret Manager projects/${server.projectId}/locations/europe-west1/secrets/api-key/versions/2 key k`,
    );
    expect(server.count()).toBe(0);
    await provider.dispose();
  });
});
