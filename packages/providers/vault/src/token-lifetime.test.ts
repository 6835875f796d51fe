import { AuthenticationError } from '@buildsecrets/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CANARIES } from '../../../../test/setup/canary-values.js';
import { errorOf, resolveOne, startHarness, valueOf, type Harness } from './__fixtures__/harness.js';

// Tokens that expire and belong to a namespace, as Vault's do: a login's token that runs out
// mid-run is replaced by a fresh login (once), a static token that runs out fails typed, and a
// token is only good in its own namespace and below.
const SECRET_ID = CANARIES.config;
const TTL_MS = 60_000;
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
  h.vault.kv2('secret').put('ci/a', { token: CANARIES.provider });
  h.vault.kv2('secret').put('ci/b', { token: CANARIES.provider });
  h.vault.enableAppRole({ roleId: 'ci-role', secretId: SECRET_ID, ttlMs: TTL_MS });
});
afterEach(async () => {
  await h.close();
});

const logins = (): number => h.vault.count({ method: 'POST', path: 'auth/approle/login' });
const approle = { auth: { method: 'approle' as const, roleId: 'ci-role', secretId: SECRET_ID } };

describe('vault provider: token TTL and namespace scope', () => {
  it('the test server refuses an expired token exactly as Vault does (403 invalid token) and reports the TTL', async () => {
    const token = h.vault.issueToken({ ttlMs: TTL_MS });
    const lookup = async (): Promise<{ status: number; body: { data?: { ttl?: number }; errors?: string[] } }> => {
      const res = await fetch(`${h.vault.url}/v1/auth/token/lookup-self`, { headers: { 'x-vault-token': token } });
      return { status: res.status, body: (await res.json()) as { data?: { ttl?: number }; errors?: string[] } };
    };
    expect((await lookup()).body.data?.ttl).toBe(60);
    h.vault.advanceTime(TTL_MS);
    const expired = await lookup();
    expect(expired.status).toBe(403);
    expect(expired.body.errors?.join(' ')).toContain('invalid token');
  });

  it('a login token that expires mid-run is replaced by one new login, and the read succeeds', async () => {
    const { provider } = await h.provider(approle);
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/a', key: 'token' }))).toBe(CANARIES.provider);
    expect(logins()).toBe(1);
    h.vault.advanceTime(TTL_MS + 1_000);
    const [b1, b2] = await Promise.all([resolveOne(provider, { ref: 'secret/ci/b', key: 'token' }), resolveOne(provider, { ref: 'secret/ci/b', key: 'token', id: 'again' })]);
    expect([valueOf(b1), valueOf(b2)]).toEqual([CANARIES.provider, CANARIES.provider]);
    expect(logins()).toBe(2);
  });

  it('a token that keeps being refused after the new login fails typed, with no login loop', async () => {
    h.vault.enableAppRole({ roleId: 'short', secretId: SECRET_ID, ttlMs: 0, mount: 'short-approle' });
    const { provider } = await h.provider({ auth: { method: 'approle', roleId: 'short', secretId: SECRET_ID, mount: 'short-approle' } });
    const error = errorOf(await resolveOne(provider, { ref: 'secret/ci/a', key: 'token' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(h.vault.count({ method: 'POST', path: 'auth/short-approle/login' })).toBe(2);
  });

  it('a static token past its TTL fails with AuthenticationError and no login attempt', async () => {
    const token = h.vault.issueToken({ ttlMs: TTL_MS });
    const { provider } = await h.provider({ auth: { method: 'token', token } });
    h.vault.advanceTime(TTL_MS);
    const error = errorOf(await resolveOne(provider, { ref: 'secret/ci/a', key: 'token' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(h.vault.count({ method: 'POST', path: 'auth/' })).toBe(0);
  });

  it('a token works in its namespace and its children, and is refused in any other', async () => {
    h.vault.kv2('secret', { namespace: 'team-a' }).put('ci/a', { token: CANARIES.provider });
    h.vault.kv2('secret', { namespace: 'team-a/sub' }).put('ci/a', { token: CANARIES.provider });
    h.vault.kv2('secret', { namespace: 'team-b' }).put('ci/a', { token: CANARIES.provider });
    const token = h.vault.issueToken({ namespace: 'team-a' });
    const read = async (namespace: string) => resolveOne((await h.provider({ ...(namespace ? { namespace } : {}), auth: { method: 'token', token } })).provider, { ref: 'secret/ci/a', key: 'token' });
    expect(valueOf(await read('team-a'))).toBe(CANARIES.provider);
    expect(valueOf(await read('team-a/sub'))).toBe(CANARIES.provider);
    expect(errorOf(await read('team-b'))).toBeInstanceOf(AuthenticationError);
    expect(errorOf(await read(''))).toBeInstanceOf(AuthenticationError);
  });

  it('a login in a namespace yields a token scoped to it', async () => {
    h.vault.kv2('secret', { namespace: 'team-a' }).put('ci/a', { token: CANARIES.provider });
    const { provider } = await h.provider({ namespace: 'team-a', ...approle });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/a', key: 'token' }))).toBe(CANARIES.provider);
    const record = h.vault.requests.find((r) => r.path === 'auth/approle/login');
    expect(record?.namespace).toBe('team-a');
  });
});
