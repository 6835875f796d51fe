import { AbortedError, ConfigError, PermissionDeniedError, ProviderUnavailableError, TimeoutError } from '@buildsecrets/core';
import { startVaultTestServer } from '@buildsecrets/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testContext } from './__fixtures__/context.js';
import { errorOf, expectNoLeak, resolveOne, startHarness, valueOf, type Harness } from './__fixtures__/harness.js';
import vaultProvider from './index.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = `npm_${makeCanary('errors')}`;
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
  h.vault.kv2('secret').put('ci/npm', { token: CANARY });
});
afterEach(async () => {
  await h.close();
});

describe('mapping Vault answers to typed errors', () => {
  it('403 on a path the token may not read → PermissionDeniedError', async () => {
    const token = h.vault.issueToken({ allow: ['secret/data/other/'] });
    const { provider, ctx } = await h.provider({ auth: { method: 'token', token } });
    const result = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' });
    expect(errorOf(result)).toBeInstanceOf(PermissionDeniedError);
    expect(errorOf(result).hint).toContain('policy');
    expectNoLeak([CANARY, token], [result], ctx.logs);
  });

  it.each([
    [{ kind: 'sealed' as const }, /Vault at http:\/\/127\.0\.0\.1:\d+ is sealed \(HTTP 503\)/],
    [{ kind: 'status' as const, status: 429 }, /throttling or is a standby node \(HTTP 429\)/],
    [{ kind: 'status' as const, status: 473 }, /standby node \(HTTP 473\)/],
    [{ kind: 'status' as const, status: 500 }, /failed \(HTTP 500\)/],
    [{ kind: 'status' as const, status: 502 }, /failed \(HTTP 502\)/],
  ])('%o → retryable ProviderUnavailableError', async (fault, message) => {
    h.vault.inject(fault, { path: 'secret/data/' });
    const { provider, ctx } = await h.provider();
    const result = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' });
    expect(errorOf(result)).toBeInstanceOf(ProviderUnavailableError);
    expect(errorOf(result).retryable).toBe(true);
    expect(errorOf(result).message).toMatch(message);
    expectNoLeak([CANARY], [result], ctx.logs);
  });

  it('does not retry reads itself: the resolver owns retries', async () => {
    h.vault.inject({ kind: 'status', status: 503 }, { path: 'secret/data/', times: 1 });
    const { provider } = await h.provider();
    expect(errorOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' })).retryable).toBe(true);
    expect(h.vault.count({ path: 'secret/data/ci/npm' })).toBe(1);
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
  });

  it('a truncated JSON body → retryable error that quotes nothing of the body', async () => {
    h.vault.inject({ kind: 'truncate' }, { path: 'secret/data/', times: 1 });
    const { provider, ctx } = await h.provider();
    const result = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' });
    expect(errorOf(result)).toBeInstanceOf(ProviderUnavailableError);
    expect(errorOf(result).message).toContain('malformed or truncated');
    expectNoLeak([CANARY, CANARY.slice(0, 12)], [result], ctx.logs);
  });

  it('a dropped connection → retryable ProviderUnavailableError with the address', async () => {
    h.vault.inject({ kind: 'drop' }, { path: 'secret/data/' });
    const { provider, ctx } = await h.provider();
    const result = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' });
    expect(errorOf(result)).toBeInstanceOf(ProviderUnavailableError);
    expect(errorOf(result).retryable).toBe(true);
    expect(errorOf(result).message).toContain(h.vault.url);
    expectNoLeak([CANARY, h.vault.rootToken], [result], ctx.logs);
  });

  it('connection refused → retryable error naming the address', async () => {
    const gone = await startVaultTestServer();
    await gone.close();
    const ctx = testContext();
    const provider = await vaultProvider.create(vaultProvider.optionsSchema.parse({ address: gone.url, auth: { method: 'token', token: 'hvs.CANARY-x' } }), ctx.context);
    const result = await resolveOne(provider, { ref: 'secret/ci/npm' });
    expect(errorOf(result)).toBeInstanceOf(ProviderUnavailableError);
    expect(errorOf(result).retryable).toBe(true);
    expect(errorOf(result).message).toContain(`cannot reach Vault at ${gone.url} (ECONNREFUSED)`);
    expectNoLeak(['hvs.CANARY-x'], [result], ctx.logs);
    await provider.dispose();
  });

  it('a slow Vault → retryable TimeoutError after timeoutMs, with the address', async () => {
    h.vault.inject({ kind: 'latency', ms: 5_000 }, { path: 'secret/data/' });
    const { provider } = await h.provider({ timeoutMs: 150 });
    const error = errorOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`Vault at ${h.vault.url} did not answer`);
  });

  it('an abort settles a waiting resolve at once with AbortedError', async () => {
    h.vault.inject({ kind: 'latency', ms: 5_000 }, { path: 'secret/data/' });
    const { provider } = await h.provider();
    const controller = new AbortController();
    const pending = resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(errorOf(await pending)).toBeInstanceOf(AbortedError);
    const aborted = new AbortController();
    aborted.abort();
    expect(errorOf(await resolveOne(provider, { ref: 'secret/ci/npm' }, aborted.signal))).toBeInstanceOf(AbortedError);
  });

  it('a run deadline already passed → TimeoutError without asking Vault', async () => {
    const ctx = testContext({}, { deadline: Date.now() - 1 });
    const provider = await vaultProvider.create(vaultProvider.optionsSchema.parse({ address: h.vault.url, auth: { method: 'token', token: h.vault.rootToken } }), ctx.context);
    expect(errorOf(await resolveOne(provider, { ref: 'secret/ci/npm' }))).toBeInstanceOf(TimeoutError);
    expect(h.vault.requests).toEqual([]);
    await provider.dispose();
  });
});

describe('configuration and hygiene', () => {
  it('needs an address: the option or VAULT_ADDR', async () => {
    const parsed = vaultProvider.optionsSchema.parse({});
    await expect(vaultProvider.create(parsed, testContext().context)).rejects.toBeInstanceOf(ConfigError);
    const provider = await vaultProvider.create(parsed, testContext({ VAULT_ADDR: h.vault.url, VAULT_TOKEN: h.vault.rootToken }).context);
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
    await provider.dispose();
  });

  it('rejects unreadable TLS files with a ConfigError naming the option', async () => {
    const parsed = vaultProvider.optionsSchema.parse({ address: 'https://127.0.0.1:1', caCert: '/nonexistent/ca.pem' });
    const error = await vaultProvider.create(parsed, testContext().context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]?.path).toBe('caCert');
  });

  it('warns loudly about tlsSkipVerify and plain http to a remote host', async () => {
    const ctx = testContext();
    const provider = await vaultProvider.create(vaultProvider.optionsSchema.parse({ address: 'http://vault.invalid:8200', tlsSkipVerify: true }), ctx.context);
    expect(ctx.logs.join('\n')).toMatch(/tlsSkipVerify is on .* NOT verified/);
    expect(ctx.logs.join('\n')).toContain('plain http');
    await provider.dispose();
  });

  it('validates the auth union', () => {
    expect(vaultProvider.optionsSchema.safeParse({ auth: { method: 'jwt', role: 'ci' } }).success).toBe(false);
    expect(vaultProvider.optionsSchema.safeParse({ auth: { method: 'jwt', jwtEnv: 'A', jwtFile: '/x' } }).success).toBe(false);
    expect(vaultProvider.optionsSchema.safeParse({ auth: { method: 'ldap' } }).success).toBe(false);
    expect(vaultProvider.optionsSchema.safeParse({ clientCert: '/c.pem' }).success).toBe(false);
    expect(vaultProvider.optionsSchema.parse({ auth: { method: 'kubernetes', role: 'r' } }).auth).toEqual({ method: 'kubernetes', role: 'r', jwtFile: '/var/run/secrets/kubernetes.io/serviceaccount/token', mount: 'kubernetes' });
  });

  it('ignores the process environment: only the context env counts', async () => {
    const saved = process.env['VAULT_TOKEN'];
    process.env['VAULT_TOKEN'] = h.vault.rootToken;
    try {
      const ctx = testContext();
      const provider = await vaultProvider.create(vaultProvider.optionsSchema.parse({ address: h.vault.url }), ctx.context);
      expect(errorOf(await resolveOne(provider, { ref: 'secret/ci/npm' })).code).toBe('AUTHENTICATION_FAILED');
      await provider.dispose();
    } finally {
      if (saved === undefined) delete process.env['VAULT_TOKEN'];
      else process.env['VAULT_TOKEN'] = saved;
    }
  });

  it('sends no token with login requests', async () => {
    h.vault.enableUserpass({ username: 'u', password: 'CANARY-pw-3' });
    const { provider } = await h.provider({ auth: { method: 'userpass', username: 'u', password: 'CANARY-pw-3' } });
    await resolveOne(provider, { ref: 'secret/ci/npm' });
    expect(h.vault.requests.find((r) => r.path.startsWith('auth/'))?.hadToken).toBe(false);
    expect(h.vault.requests.filter((r) => !r.path.startsWith('auth/')).every((r) => r.hadToken)).toBe(true);
  });

  it('describes a request without fetching anything', async () => {
    const { provider } = await h.provider({ namespace: 'team-a' });
    expect(provider.describe?.({ id: 'npm_token', ref: 'secret/ci/npm', key: 'token', version: '3' })).toBe(`vault ${h.vault.url} namespace team-a secret/ci/npm key token version 3`);
    expect(h.vault.requests).toEqual([]);
    await provider.dispose();
    await provider.dispose();
  });
});
