import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, PermissionDeniedError, ProviderUnavailableError } from '@buildsecrets/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, expectNoLeak, resolveOne, startHarness, valueOf, type Harness } from './__fixtures__/harness.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const VALUE = `npm_${makeCanary('auth')}`;
const SECRET_ID = makeCanary('secret-id');
const PASSWORD = makeCanary('password');
const JWT = `eyJ.${makeCanary('jwt-0c6a-sig')}`;
let h: Harness;
let dir: string;

beforeEach(async () => {
  h = await startHarness();
  h.vault.kv2('secret').put('ci/npm', { token: VALUE });
  dir = await mkdtemp(join(tmpdir(), 'vault-auth-test-'));
});
afterEach(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

const logins = () => h.vault.count({ method: 'POST', path: 'auth/' });

describe('token auth', () => {
  it('uses auth.token, then VAULT_TOKEN, then ~/.vault-token', async () => {
    const explicit = await h.provider();
    expect(valueOf(await resolveOne(explicit.provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    const fromEnv = await h.provider({ auth: { method: 'token' } }, { VAULT_TOKEN: h.vault.rootToken });
    expect(valueOf(await resolveOne(fromEnv.provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    await writeFile(join(dir, '.vault-token'), `${h.vault.rootToken}\n`);
    const fromFile = await h.provider({ auth: { method: 'token' } }, { HOME: dir });
    expect(valueOf(await resolveOne(fromFile.provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    expect(fromFile.ctx.sensitive).toContain('vault token');
  });

  it('fails with AuthenticationError when there is no token anywhere', async () => {
    const { provider, ctx } = await h.provider({ auth: { method: 'token' } }, { HOME: dir });
    const error = errorOf(await resolveOne(provider, { ref: 'secret/ci/npm' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('no Vault token');
    expect(error.hint).toContain('VAULT_TOKEN');
    expect(ctx.logs).toEqual([]);
  });

  it('fails with AuthenticationError when Vault rejects the token, without quoting it', async () => {
    const bad = 'hvs.CANARY-bad-token-77';
    const { provider, ctx } = await h.provider({ auth: { method: 'token', token: bad } });
    const result = await resolveOne(provider, { ref: 'secret/ci/npm' });
    expect(errorOf(result)).toBeInstanceOf(AuthenticationError);
    expect(errorOf(result).message).toContain('rejected the token');
    expectNoLeak([bad, VALUE], [result], ctx.logs);
  });

  it('accepts a token whose policy does not allow lookup-self', async () => {
    const token = h.vault.issueToken({ allow: ['secret/data/ci/'] });
    const { provider } = await h.provider({ auth: { method: 'token', token } });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
  });

  it('reports a token revoked mid-run as an authentication problem, not a permission one', async () => {
    const token = h.vault.issueToken();
    const { provider } = await h.provider({ auth: { method: 'token', token } });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    h.vault.revokeToken(token);
    h.vault.kv2('secret').put('ci/other', { x: '1' });
    expect(errorOf(await resolveOne(provider, { ref: 'secret/ci/other' }))).toBeInstanceOf(AuthenticationError);
  });
});

describe('approle', () => {
  beforeEach(() => h.vault.enableAppRole({ roleId: 'ci-role', secretId: SECRET_ID, mount: 'ci-approle' }));

  it('logs in at the configured mount and reads', async () => {
    const { provider, ctx } = await h.provider({ auth: { method: 'approle', roleId: 'ci-role', secretId: SECRET_ID, mount: 'ci-approle' } });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    expect(h.vault.count({ path: 'auth/ci-approle/login' })).toBe(1);
    expect(ctx.sensitive).toEqual(expect.arrayContaining(['vault approle secret id', 'vault client token']));
  });

  it('fails with AuthenticationError naming method and mount, never the secret id', async () => {
    const wrong = 'CANARY-wrong-secret-id';
    const { provider, ctx } = await h.provider({ auth: { method: 'approle', roleId: 'ci-role', secretId: wrong, mount: 'ci-approle' } });
    const result = await resolveOne(provider, { ref: 'secret/ci/npm' });
    expect(errorOf(result)).toBeInstanceOf(AuthenticationError);
    expect(errorOf(result).message).toContain('approle login at auth/ci-approle');
    expectNoLeak([wrong, SECRET_ID, VALUE], [result], ctx.logs);
  });

  it('says when no such auth method is mounted', async () => {
    const { provider } = await h.provider({ auth: { method: 'approle', roleId: 'ci-role', secretId: SECRET_ID } });
    const error = errorOf(await resolveOne(provider, { ref: 'secret/ci/npm' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('no approle auth method is mounted at auth/approle');
  });
});

describe('kubernetes', () => {
  it('reads the service-account JWT from a file and logs in at a custom mount (not node-vault’s helper path)', async () => {
    h.vault.enableKubernetes({ role: 'builder', jwt: JWT, mount: 'k8s/prod' });
    const jwtFile = join(dir, 'token');
    await writeFile(jwtFile, `${JWT}\n`);
    const { provider, ctx } = await h.provider({ auth: { method: 'kubernetes', role: 'builder', jwtFile, mount: '/k8s/prod/' } });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    expect(h.vault.requests.filter((r) => r.path.startsWith('auth/')).map((r) => r.path)).toEqual(['auth/k8s/prod/login']);
    expect(ctx.sensitive).toContain('vault login jwt');
  });

  it('fails with AuthenticationError for a rejected JWT or a missing token file', async () => {
    h.vault.enableKubernetes({ role: 'builder', jwt: 'the-right-one' });
    const jwtFile = join(dir, 'token');
    await writeFile(jwtFile, JWT);
    const rejected = await h.provider({ auth: { method: 'kubernetes', role: 'builder', jwtFile } });
    const r1 = await resolveOne(rejected.provider, { ref: 'secret/ci/npm' });
    expect(errorOf(r1)).toBeInstanceOf(AuthenticationError);
    expect(errorOf(r1).message).toContain('kubernetes login at auth/kubernetes');
    const missing = await h.provider({ auth: { method: 'kubernetes', role: 'builder', jwtFile: join(dir, 'absent') } });
    const r2 = await resolveOne(missing.provider, { ref: 'secret/ci/npm' });
    expect(errorOf(r2)).toBeInstanceOf(AuthenticationError);
    expect(errorOf(r2).message).toContain('cannot read the service account token');
    expectNoLeak([JWT, VALUE], [r1, r2], [...rejected.ctx.logs, ...missing.ctx.logs]);
  });
});

describe('jwt', () => {
  it('logs in with a CI OIDC token from an environment variable', async () => {
    h.vault.enableJwt({ role: 'ci', jwt: JWT, mount: 'gitlab' });
    const { provider } = await h.provider({ auth: { method: 'jwt', role: 'ci', jwtEnv: 'CI_VAULT_ID_TOKEN', mount: 'gitlab' } }, { CI_VAULT_ID_TOKEN: JWT });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
  });

  it('logs in with a JWT from a file and the default role', async () => {
    h.vault.enableJwt({ jwt: JWT });
    const jwtFile = join(dir, 'jwt');
    await writeFile(jwtFile, JWT);
    const { provider } = await h.provider({ auth: { method: 'jwt', jwtFile } });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
  });

  it('fails with AuthenticationError for an empty variable or a rejected token', async () => {
    h.vault.enableJwt({ role: 'ci', jwt: 'other' });
    const empty = await h.provider({ auth: { method: 'jwt', role: 'ci', jwtEnv: 'CI_VAULT_ID_TOKEN' } });
    expect(errorOf(await resolveOne(empty.provider, { ref: 'secret/ci/npm' })).message).toContain('CI_VAULT_ID_TOKEN');
    const rejected = await h.provider({ auth: { method: 'jwt', role: 'ci', jwtEnv: 'T' } }, { T: JWT });
    const result = await resolveOne(rejected.provider, { ref: 'secret/ci/npm' });
    expect(errorOf(result)).toBeInstanceOf(AuthenticationError);
    expectNoLeak([JWT], [result], rejected.ctx.logs);
  });
});

describe('userpass', () => {
  beforeEach(() => h.vault.enableUserpass({ username: 'ci-bot', password: PASSWORD }));

  it('logs in at auth/userpass/login/<username>', async () => {
    const { provider } = await h.provider({ auth: { method: 'userpass', username: 'ci-bot', password: PASSWORD } });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    expect(h.vault.count({ path: 'auth/userpass/login/ci-bot' })).toBe(1);
  });

  it('fails with AuthenticationError, never quoting the password', async () => {
    const { provider, ctx } = await h.provider({ auth: { method: 'userpass', username: 'ci-bot', password: `${PASSWORD}-wrong` } });
    const result = await resolveOne(provider, { ref: 'secret/ci/npm' });
    expect(errorOf(result)).toBeInstanceOf(AuthenticationError);
    expect(errorOf(result).message).toContain('userpass login at auth/userpass');
    expectNoLeak([PASSWORD], [result], ctx.logs);
  });
});

describe('one login per provider instance', () => {
  beforeEach(() => h.vault.enableAppRole({ roleId: 'ci-role', secretId: SECRET_ID }));
  const approle = { auth: { method: 'approle' as const, roleId: 'ci-role', secretId: SECRET_ID } };

  it('shares one login between 50 concurrent resolves', async () => {
    h.vault.inject({ kind: 'latency', ms: 30 }, { path: 'auth/' });
    const { provider } = await h.provider(approle);
    const signal = new AbortController().signal;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => provider.resolve([{ id: `s${i}`, ref: 'secret/ci/npm', key: 'token' }], signal)));
    expect(results.flat().map(valueOf)).toEqual(Array.from({ length: 50 }, () => VALUE));
    expect(logins()).toBe(1);
  });

  it('retries a login that failed transiently, inside the one shared login', async () => {
    h.vault.inject({ kind: 'sealed' }, { path: 'auth/approle/login', times: 1 });
    const { provider, ctx } = await h.provider(approle);
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    expect(logins()).toBe(2);
    expect(ctx.retries.attempts).toBe(2);
  });

  it('forgets a login that kept failing transiently, so the resolver’s retry logs in again', async () => {
    h.vault.inject({ kind: 'status', status: 500 }, { path: 'auth/approle/login', times: 3 });
    const { provider } = await h.provider(approle);
    const first = errorOf(await resolveOne(provider, { ref: 'secret/ci/npm' }));
    expect(first).toBeInstanceOf(ProviderUnavailableError);
    expect(first.retryable).toBe(true);
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(VALUE);
    expect(logins()).toBe(4);
  });

  it('remembers a rejected credential instead of hammering the login endpoint', async () => {
    const { provider } = await h.provider({ auth: { method: 'approle', roleId: 'ci-role', secretId: 'wrong' } });
    const signal = new AbortController().signal;
    await Promise.all(Array.from({ length: 10 }, (_, i) => provider.resolve([{ id: `s${i}`, ref: 'secret/ci/npm' }], signal)));
    await resolveOne(provider, { ref: 'secret/ci/npm' });
    expect(logins()).toBe(1);
  });

  it('keeps two instances with different tokens apart', async () => {
    h.vault.kv2('secret').put('team-a/key', { v: 'A' });
    h.vault.kv2('secret').put('team-b/key', { v: 'B' });
    const a = await h.provider({ auth: { method: 'token', token: h.vault.issueToken({ allow: ['secret/data/team-a/'] }) } });
    const b = await h.provider({ auth: { method: 'token', token: h.vault.issueToken({ allow: ['secret/data/team-b/'] }) } });
    const signal = new AbortController().signal;
    const [aOwn, bOwn, aOther, bOther] = await Promise.all([
      resolveOne(a.provider, { ref: 'secret/team-a/key', key: 'v' }, signal),
      resolveOne(b.provider, { ref: 'secret/team-b/key', key: 'v' }, signal),
      resolveOne(a.provider, { ref: 'secret/team-b/key', key: 'v' }, signal),
      resolveOne(b.provider, { ref: 'secret/team-a/key', key: 'v' }, signal),
    ]);
    expect([valueOf(aOwn), valueOf(bOwn)]).toEqual(['A', 'B']);
    expect(errorOf(aOther)).toBeInstanceOf(PermissionDeniedError);
    expect(errorOf(bOther)).toBeInstanceOf(PermissionDeniedError);
  });
});
