import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../logging/logger.js';
import { SecretValue } from '../../secret-value.js';
import { newAccessToken } from './access-token.js';
import { startSecretServer, type SecretServer, type SecretServerLimits } from './secret-server.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

const VALUE = makeCanary('served-value');

interface Reply {
  readonly status: number;
  readonly body: string;
}

function rawLogger(lines: string[]): Logger {
  const push = (m: string): void => void lines.push(m);
  return { debug: push, info: push, warn: push, error: push };
}

function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // Host, port and raw path separately: a whole URL string would be normalised (`..` resolved) by the client.
    const { hostname, port } = new URL(url);
    const req = request({ host: hostname, port, path, method, headers, agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

describe('the served-file server', () => {
  let server: SecretServer | undefined;
  let logs: string[] = [];
  let token = '';
  const otherToken = newAccessToken();

  async function start(maxReads = 1, limits: Partial<SecretServerLimits> = {}): Promise<SecretServer> {
    token = newAccessToken();
    logs = [];
    server = await startSecretServer({
      host: '127.0.0.1',
      port: 0,
      secrets: new Map([
        ['npm_token', { value: SecretValue.from(VALUE), token, maxReads }],
        ['other', { value: SecretValue.from('other-value'), token: otherToken, maxReads: 1 }],
      ]),
      logger: rawLogger(logs),
      limits,
    });
    return server;
  }
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${token}` });

  afterEach(async () => {
    await server?.close();
    expect(logs.join('\n')).not.toContain(VALUE);
    expect(logs.join('\n')).not.toContain(token);
  });

  it('serves a secret to a GET with the bearer token, and logs the read without the value', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(url, '/v1/secrets/npm_token', auth())).toEqual({ status: 200, body: VALUE });
    expect(logs.some((l) => l.includes('served npm_token to 127.0.0.1'))).toBe(true);
  });

  it('refuses the second read once maxReads (default 1) is spent', async () => {
    const { url } = await start();
    expect((await get(url, '/v1/secrets/npm_token', auth())).status).toBe(200);
    expect(await get(url, '/v1/secrets/npm_token', auth())).toEqual({ status: 403, body: 'denied' });
  });

  it('serves exactly maxReads times when maxReads is higher', async () => {
    const { url } = await start(3);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(url, '/v1/secrets/npm_token', auth())).status);
    expect(statuses).toEqual([200, 200, 200, 403]);
  });

  it('answers a missing token, a wrong token and a one-byte-off token with the same terse refusal', async () => {
    const { url } = await start();
    const oneOff = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const headers of [{}, { Authorization: 'Bearer nope' }, { Authorization: `Bearer ${oneOff}` }, { Authorization: `Basic ${token}` }, { Authorization: token }]) {
      expect(await get(url, '/v1/secrets/npm_token', headers)).toEqual({ status: 403, body: 'denied' });
    }
    // None of those spent the read.
    expect((await get(url, '/v1/secrets/npm_token', auth())).status).toBe(200);
  });

  it('does not take the token from the URL', async () => {
    const { url } = await start();
    expect((await get(url, `/v1/secrets/npm_token?token=${token}`)).status).toBe(403);
    expect((await get(url, `/v1/secrets/npm_token?access_token=${token}`, auth())).status).toBe(403);
  });

  it('refuses every method but GET and POST with the same refusal and no hint', async () => {
    const { url } = await start();
    for (const method of ['PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']) {
      const reply = await get(url, '/v1/secrets/npm_token', auth(), method);
      expect(reply.status).toBe(403);
      expect(reply.body).toBe(method === 'HEAD' ? '' : 'denied');
    }
    expect((await get(url, '/v1/secrets/npm_token', auth())).status).toBe(200);
  });

  it('serves a POST whose body is exactly the token (how wget sends it without a command line)', async () => {
    const { url } = await start(2);
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    for (const body of ['', `${token}\n`, `token=${token}`, otherToken, token.slice(1)]) {
      expect(await get(url, '/v1/secrets/npm_token', form, 'POST', body)).toEqual({ status: 403, body: 'denied' });
    }
    expect(await get(url, '/v1/secrets/npm_token', form, 'POST', token)).toEqual({ status: 200, body: VALUE });
    expect(await get(url, '/v1/secrets/npm_token', { ...form, 'Transfer-Encoding': 'chunked' }, 'POST', token)).toEqual({ status: 403, body: 'denied' });
  });

  it("never opens a secret with another secret's token", async () => {
    const { url } = await start();
    expect(await get(url, '/v1/secrets/other', auth())).toEqual({ status: 403, body: 'denied' });
    expect(await get(url, '/v1/secrets/npm_token', { Authorization: `Bearer ${otherToken}` })).toEqual({ status: 403, body: 'denied' });
    expect((await get(url, '/v1/secrets/npm_token', auth())).status).toBe(200);
  });

  it('warns, naming the id, when a valid token comes back after its read was spent (a raced fetch)', async () => {
    const started = await start();
    expect((await get(started.url, '/v1/secrets/npm_token', auth())).status).toBe(200);
    expect((await get(started.url, '/v1/secrets/npm_token', auth())).status).toBe(403);
    expect(started.replayed).toEqual(['npm_token']);
    expect(logs.some((l) => l.includes('valid token for npm_token came back'))).toBe(true);
  });

  it('refuses unknown ids and every traversal spelling', async () => {
    const { url } = await start();
    const paths = [
      '/v1/secrets/unknown',
      '/v1/secrets/../secrets/npm_token',
      '/v1/secrets/%2e%2e/npm_token',
      '/v1/secrets/%252e%252e/npm_token',
      '/v1/secrets/npm%5ftoken',
      '/v1/secrets//npm_token',
      '/v1/secrets/./npm_token',
      '/v1/secrets/npm_token/',
      '/v1/secrets/..',
      '/v1/secrets/a..b',
      '/v1/secrets/npm_token%00',
      '/v1/secrets\\npm_token',
      '/v1/../v1/secrets/npm_token',
      '/',
    ];
    for (const path of paths) expect([path, await get(url, path, auth())]).toEqual([path, { status: 403, body: 'denied' }]);
    expect((await get(url, '/v1/secrets/npm_token', auth())).status).toBe(200);
  });

  it('refuses reads after close, and close is idempotent', async () => {
    const { url } = await start();
    await server?.close();
    await server?.close();
    await expect(get(url, '/v1/secrets/npm_token', auth())).rejects.toThrow();
  });

  it('rejects an oversized request head without serving', async () => {
    const { url } = await start(1, { maxHeaderSize: 1024 });
    const reply = await get(url, '/v1/secrets/npm_token', { ...auth(), 'X-Pad': 'x'.repeat(4096) }).catch(() => ({ status: 0, body: '' }));
    expect([0, 403]).toContain(reply.status);
    expect(reply.body).not.toContain(VALUE);
    expect((await get(url, '/v1/secrets/npm_token', auth())).status).toBe(200);
  });

  it('survives 200 bad requests in parallel and still serves the legitimate one', async () => {
    const { url } = await start();
    const bad = Array.from({ length: 200 }, (_, i) =>
      get(url, '/v1/secrets/npm_token', { Authorization: `Bearer wrong${i}` }).then((r) => r.status, (e: Error) => (e.message === 'client timeout' ? 'hung' : 'reset')),
    );
    const outcomes = await Promise.all(bad);
    // A connection evicted before it sent its request may see a reset instead of the refusal; none may hang.
    expect(outcomes.every((o) => o === 403 || o === 'reset')).toBe(true);
    expect(outcomes.filter((o) => o === 403).length).toBeGreaterThan(0);
    expect(await get(url, '/v1/secrets/npm_token', auth())).toEqual({ status: 200, body: VALUE });
  });

  it('drops a client that sends its headers too slowly (slow loris)', async () => {
    const { url } = await start(1, { headersTimeoutMs: 200, requestTimeoutMs: 300, idleTimeoutMs: 300 });
    const port = Number(new URL(url).port);
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /v1/secrets/npm_token HTTP/1.1\r\nHost: x\r\n'));
      const drip = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 50);
      let seen = '';
      socket.on('data', (c: Buffer) => (seen += c.toString('utf8')));
      socket.on('close', () => {
        clearInterval(drip);
        resolve(seen);
      });
      socket.on('error', () => undefined);
    });
    expect(closed).not.toContain(VALUE);
    expect((await get(url, '/v1/secrets/npm_token', auth())).status).toBe(200);
  });
});
