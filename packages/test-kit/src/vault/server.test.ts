import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVaultTestServer, type VaultTestServer } from './server.js';

let vault: VaultTestServer;
beforeEach(async () => {
  vault = await startVaultTestServer();
});
afterEach(async () => {
  await vault.close();
});

const call = async (path: string, init: { method?: string; token?: string; namespace?: string; body?: unknown } = {}) => {
  const headers: Record<string, string> = {};
  if (init.token) headers['X-Vault-Token'] = init.token;
  if (init.namespace) headers['X-Vault-Namespace'] = init.namespace;
  const res = await fetch(`${vault.url}/v1/${path}`, { method: init.method ?? 'GET', headers, ...(init.body ? { body: JSON.stringify(init.body) } : {}) });
  const text = await res.text();
  return { status: res.status, text, json: (text ? JSON.parse(text) : null) as Record<string, unknown> | null };
};

describe('the Vault test server', () => {
  it('listens on 127.0.0.1 and answers sys/health without a token', async () => {
    expect(vault.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call('sys/health')).json).toMatchObject({ initialized: true, sealed: false });
  });

  it('answers a request without a valid token with 403 and Vault’s error shape', async () => {
    const res = await call('secret/data/x');
    expect(res.status).toBe(403);
    expect((res.json?.['errors'] as string[])[0]).toContain('invalid token');
  });

  it('serves KV v2 written over the API, with versions and mount info', async () => {
    const token = vault.rootToken;
    expect((await call('secret/data/app', { method: 'POST', token, body: { data: { a: '1' } } })).status).toBe(200);
    vault.kv2('secret').put('app', { a: '2' });
    expect((await call('secret/data/app', { token })).json).toMatchObject({ data: { data: { a: '2' }, metadata: { version: 2 } } });
    expect((await call('secret/data/app?version=1', { token })).json).toMatchObject({ data: { data: { a: '1' } } });
    expect((await call('sys/internal/ui/mounts/secret/app', { token })).json).toMatchObject({ data: { path: 'secret/', type: 'kv', options: { version: '2' } } });
    await call('secret/destroy/app', { method: 'POST', token, body: { versions: [1] } });
    const destroyed = await call('secret/data/app?version=1', { token });
    expect(destroyed.status).toBe(404);
    expect(destroyed.json).toMatchObject({ data: { data: null, metadata: { destroyed: true, version: 1 } } });
  });

  it('keeps namespaces apart', async () => {
    vault.kv1('kv', { namespace: 'team-a' }).put('x', { v: 'a' });
    expect((await call('kv/x', { token: vault.rootToken, namespace: 'team-a' })).json).toMatchObject({ data: { v: 'a' } });
    expect((await call('kv/x', { token: vault.rootToken })).status).toBe(404);
  });

  it('injects faults for the next N matching requests and records every request', async () => {
    const handle = vault.inject({ kind: 'status', status: 429 }, { path: 'sys/health', times: 2 });
    expect((await call('sys/health')).status).toBe(429);
    expect((await call('sys/health')).status).toBe(429);
    expect((await call('sys/health')).status).toBe(200);
    expect(handle.hits).toBe(2);
    vault.inject({ kind: 'truncate' }, { times: 1 });
    const truncated = await fetch(`${vault.url}/v1/sys/health`).then((r) => r.text());
    expect(() => JSON.parse(truncated)).toThrow();
    vault.inject({ kind: 'drop' }, { times: 1 });
    await expect(fetch(`${vault.url}/v1/sys/health`)).rejects.toThrow();
    expect(vault.count({ path: 'sys/health' })).toBe(5);
    expect(vault.requests.at(-1)?.status).toBe(0);
  });

  it('logs in with the configured methods only', async () => {
    vault.enableUserpass({ username: 'u', password: 'p' });
    const ok = await call('auth/userpass/login/u', { method: 'POST', body: { password: 'p' } });
    const token = (ok.json?.['auth'] as { client_token: string }).client_token;
    expect((await call('auth/token/lookup-self', { token })).status).toBe(200);
    expect((await call('auth/userpass/login/u', { method: 'POST', body: { password: 'x' } })).status).toBe(400);
    expect((await call('auth/approle/login', { method: 'POST', body: {} })).status).toBe(404);
  });

  it('mints dynamic credentials per read', async () => {
    const db = vault.database().role('ci');
    const a = await call('database/creds/ci', { token: vault.rootToken });
    const b = await call('database/creds/ci', { token: vault.rootToken });
    expect(a.json?.['data']).not.toEqual(b.json?.['data']);
    expect(db.issued).toBe(2);
  });
});
