import { InvalidSecretError, SecretNotFoundError } from '@buildsecrets/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, expectNoLeak, resolveOne, startHarness, valueOf, type Harness } from './__fixtures__/harness.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('vault-kv');
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('KV version 2', () => {
  it('returns the whole secret as JSON when no key is given', async () => {
    h.vault.kv2('secret').put('ci/npm', { token: CANARY, registry: 'https://npm.example' });
    const { provider } = await h.provider();
    expect(JSON.parse(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm' })))).toEqual({ token: CANARY, registry: 'https://npm.example' });
    expect(h.vault.count({ path: 'secret/data/ci/npm' })).toBe(1);
  });

  it('picks a key, including keys that contain dots, and nested keys', async () => {
    h.vault.kv2('secret').put('ci/npm', { token: CANARY, 'npm.token': 'dotted', auth: { basic: 'nested' } });
    const { provider } = await h.provider();
    const results = await provider.resolve([
      { id: 'a', ref: 'secret/ci/npm', key: 'token' },
      { id: 'b', ref: 'secret/ci/npm', key: 'npm.token' },
      { id: 'c', ref: 'secret/ci/npm', key: 'auth.basic' },
    ], new AbortController().signal);
    expect(results.map(valueOf)).toEqual([CANARY, 'dotted', 'nested']);
  });

  it('reads each path and version once, however many secrets pick keys from it, and looks the mount up once', async () => {
    h.vault.kv2('secret').put('ci/npm', { token: CANARY, user: 'ci' });
    h.vault.kv2('secret').put('ci/other', { x: '1' });
    const { provider } = await h.provider();
    const signal = new AbortController().signal;
    await Promise.all([
      provider.resolve([{ id: 'a', ref: 'secret/ci/npm', key: 'token' }, { id: 'b', ref: 'secret/ci/npm', key: 'user' }], signal),
      provider.resolve([{ id: 'c', ref: 'secret/ci/npm' }, { id: 'd', ref: 'secret/ci/other', key: 'x' }], signal),
    ]);
    await provider.resolve([{ id: 'e', ref: 'secret/ci/npm', key: 'user' }], signal);
    expect(h.vault.count({ path: 'secret/data/ci/npm' })).toBe(1);
    expect(h.vault.count({ path: 'sys/internal/ui/mounts/' })).toBe(1);
  });

  it('pins a version', async () => {
    const kv = h.vault.kv2('secret');
    kv.put('ci/npm', { token: 'old' });
    kv.put('ci/npm', { token: CANARY });
    const { provider } = await h.provider();
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token', version: '1' }))).toBe('old');
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
    expect(h.vault.requests.some((r) => r.path === 'secret/data/ci/npm' && r.query === 'version=1')).toBe(true);
  });

  it('says which version was deleted', async () => {
    const kv = h.vault.kv2('secret');
    kv.put('ci/npm', { token: 'one' });
    kv.put('ci/npm', { token: 'two' });
    kv.put('ci/npm', { token: CANARY });
    kv.delete('ci/npm');
    const { provider, ctx } = await h.provider();
    const latest = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' });
    const pinned = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token', version: '3' });
    for (const r of [latest, pinned]) {
      expect(errorOf(r)).toBeInstanceOf(SecretNotFoundError);
      expect(errorOf(r).message).toContain('version 3 of secret/ci/npm was deleted');
      expect(errorOf(r).message).toContain('npm_token');
      expect(errorOf(r).retryable).toBe(false);
    }
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token', version: '2' }))).toBe('two');
    expectNoLeak([CANARY], [latest, pinned], ctx.logs);
  });

  it('says which version was destroyed, and which does not exist', async () => {
    const kv = h.vault.kv2('secret');
    kv.put('ci/npm', { token: CANARY });
    kv.put('ci/npm', { token: 'two' });
    kv.destroy('ci/npm', [1]);
    const { provider, ctx } = await h.provider();
    const destroyed = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token', version: '1' });
    expect(errorOf(destroyed)).toBeInstanceOf(SecretNotFoundError);
    expect(errorOf(destroyed).message).toContain('version 1 of secret/ci/npm was destroyed');
    const absent = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token', version: '9' });
    expect(errorOf(absent).message).toContain('version 9 of secret/ci/npm does not exist');
    expectNoLeak([CANARY], [destroyed, absent], ctx.logs);
  });

  it('rejects a version that is not a positive number', async () => {
    h.vault.kv2('secret').put('ci/npm', { token: CANARY });
    const { provider } = await h.provider();
    const result = await resolveOne(provider, { ref: 'secret/ci/npm', version: 'latest' });
    expect(errorOf(result)).toBeInstanceOf(InvalidSecretError);
  });

  it('reports a missing secret as not found, naming the id, with a hint about /data/ paths', async () => {
    const { provider } = await h.provider();
    const plain = errorOf(await resolveOne(provider, { ref: 'secret/ci/none' }));
    expect(plain).toBeInstanceOf(SecretNotFoundError);
    expect(plain.secretId).toBe('npm_token');
    expect(plain.provider).toBe('ci-vault');
    expect(plain.message).toMatch(/^\[buildsecrets:ci-vault\] secret "npm_token": no secret at secret\/ci\/none/);
    h.vault.kv2('secret').put('ci/npm', { token: CANARY });
    const withData = errorOf(await resolveOne(provider, { ref: 'secret/data/ci/npm' }));
    expect(withData.message).toContain('without `/data/`');
  });

  it('reports a missing key with the keys that exist, never their values', async () => {
    h.vault.kv2('secret').put('ci/npm', { token: CANARY });
    const { provider, ctx } = await h.provider();
    const result = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'password' });
    expect(errorOf(result)).toBeInstanceOf(SecretNotFoundError);
    expect(errorOf(result).message).toContain('(it has 1 key; --verbose lists them)');
    expect(errorOf(result).message).not.toContain('keys present');
    expectNoLeak([CANARY], [result], ctx.logs);
  });

  it('accepts refs with a leading slash or v1/ prefix', async () => {
    h.vault.kv2('secret').put('ci/npm', { token: CANARY });
    const { provider } = await h.provider();
    expect(valueOf(await resolveOne(provider, { ref: '/secret/ci/npm/', key: 'token' }))).toBe(CANARY);
    expect(valueOf(await resolveOne(provider, { ref: 'v1/secret/ci/npm', key: 'token' }))).toBe(CANARY);
  });

  it('finds mounts deeper than one segment', async () => {
    h.vault.kv2('team/kv').put('app/db', { password: CANARY });
    h.vault.kv1('team/legacy').put('app/db', { password: 'v1-value' });
    const { provider } = await h.provider();
    const results = await provider.resolve([
      { id: 'a', ref: 'team/kv/app/db', key: 'password' },
      { id: 'b', ref: 'team/legacy/app/db', key: 'password' },
    ], new AbortController().signal);
    expect(results.map(valueOf)).toEqual([CANARY, 'v1-value']);
  });
});

describe('KV version 1', () => {
  it('reads the data object and picks keys', async () => {
    h.vault.kv1('kv').put('ci/npm', { token: CANARY, 'a.b': 'dots' });
    const { provider } = await h.provider();
    expect(valueOf(await resolveOne(provider, { ref: 'kv/ci/npm', key: 'token' }))).toBe(CANARY);
    expect(valueOf(await resolveOne(provider, { ref: 'kv/ci/npm', key: 'a.b' }))).toBe('dots');
    expect(JSON.parse(valueOf(await resolveOne(provider, { ref: 'kv/ci/npm' })))).toEqual({ token: CANARY, 'a.b': 'dots' });
    expect(h.vault.count({ path: 'kv/ci/npm' })).toBe(1);
  });

  it('refuses a version pin with a clear error', async () => {
    h.vault.kv1('kv').put('ci/npm', { token: CANARY });
    const { provider, ctx } = await h.provider();
    const result = await resolveOne(provider, { ref: 'kv/ci/npm', key: 'token', version: '2' });
    expect(errorOf(result)).toBeInstanceOf(InvalidSecretError);
    expect(errorOf(result).message).toContain('KV version 1 mount, which has no versions');
    expect(errorOf(result).hint).toContain('remove `version`');
    expectNoLeak([CANARY], [result], ctx.logs);
  });

  it('reports a missing secret as not found', async () => {
    const { provider } = await h.provider();
    expect(errorOf(await resolveOne(provider, { ref: 'kv/nothing' }))).toBeInstanceOf(SecretNotFoundError);
  });
});

describe('other engines', () => {
  it('reads dynamic database credentials once, so username and password come from one lease', async () => {
    const db = h.vault.database().role('ci', () => ({ username: 'v-ci-1', password: CANARY }));
    const { provider } = await h.provider();
    const signal = new AbortController().signal;
    const [user] = await provider.resolve([{ id: 'db_user', ref: 'database/creds/ci', key: 'username' }], signal);
    const [pass] = await provider.resolve([{ id: 'db_pass', ref: 'database/creds/ci', key: 'password' }], signal);
    expect([valueOf(user!), valueOf(pass!)]).toEqual(['v-ci-1', CANARY]);
    expect(db.issued).toBe(1);
  });

  it('refuses a version pin on a non-KV engine', async () => {
    h.vault.database().role('ci');
    const { provider } = await h.provider();
    const error = errorOf(await resolveOne(provider, { ref: 'database/creds/ci', version: '1' }));
    expect(error).toBeInstanceOf(InvalidSecretError);
    expect(error.message).toContain('database engine');
  });

  it('treats a path outside every mount as not accessible (Vault answers 403 for both)', async () => {
    const { provider } = await h.provider();
    const error = errorOf(await resolveOne(provider, { ref: 'nomount/x' }));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('no secrets engine is mounted for nomount/x');
  });
});

describe('namespaces', () => {
  it('sends X-Vault-Namespace from the option and from VAULT_NAMESPACE', async () => {
    h.vault.kv2('secret', { namespace: 'team-a' }).put('ci/npm', { token: CANARY });
    h.vault.kv2('secret').put('ci/npm', { token: 'root-namespace' });
    const fromOption = await h.provider({ namespace: 'team-a' });
    expect(valueOf(await resolveOne(fromOption.provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
    const fromEnv = await h.provider({}, { VAULT_NAMESPACE: 'team-a' });
    expect(valueOf(await resolveOne(fromEnv.provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
    const root = await h.provider();
    expect(valueOf(await resolveOne(root.provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe('root-namespace');
    expect(h.vault.requests.filter((r) => r.path === 'secret/data/ci/npm').map((r) => r.namespace)).toEqual(['team-a', 'team-a', '']);
  });
});
