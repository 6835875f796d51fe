import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretValue } from '../../secret-value.js';
import { newAccessToken } from './access-token.js';
import { REFUSAL_BYTES } from './refusal.js';
import { startSecretServer, type SecretServer } from './secret-server.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

const VALUE = makeCanary('flood-value');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Send raw bytes and collect everything until the server closes; a server that never closes fails the test. */
function exchange(port: number, bytes: string, deadlineMs = 3_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const hang = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server left the request hanging for ${deadlineMs} ms`));
    }, deadlineMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(hang);
      resolve(Buffer.concat(chunks));
    });
    socket.write(bytes);
  });
}

describe('the served-file server under a flood, and the shape of its refusals', () => {
  let server: SecretServer | undefined;
  const idle: Socket[] = [];
  afterEach(async () => {
    for (const s of idle.splice(0)) s.destroy();
    await server?.close();
  });

  async function start(limits = {}): Promise<{ port: number; token: string }> {
    const token = newAccessToken();
    server = await startSecretServer({ host: '127.0.0.1', port: 0, logger: quiet, limits, secrets: new Map([['npm_token', { value: SecretValue.from(VALUE), token, maxReads: 1 }]]) });
    return { port: Number(new URL(server.url).port), token };
  }

  it('a legitimate fetch succeeds at once while 4x the connection limit sits idle (the oldest idle ones are evicted)', async () => {
    // A long header deadline on purpose: the fetch must not wait for the flood to time out.
    const { port, token } = await start({ maxConnections: 8, headersTimeoutMs: 30_000, requestTimeoutMs: 30_000, idleTimeoutMs: 30_000 });
    for (let i = 0; i < 32; i++) {
      idle.push(connect(port, '127.0.0.1').on('error', () => undefined));
      await new Promise((r) => setTimeout(r, 2));
    }
    const started = Date.now();
    const reply = await exchange(port, `GET /v1/secrets/npm_token HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    expect(reply.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply.toString('latin1').endsWith(VALUE)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000 + 500);
  });

  it('an idle connection is cut after the header deadline, answered with the refusal', async () => {
    await start({ headersTimeoutMs: 300, requestTimeoutMs: 300, idleTimeoutMs: 5_000 });
    const started = Date.now();
    const { port } = { port: Number(new URL(server?.url ?? '').port) };
    const reply = await exchange(port, '', 3_000);
    // Node checks the deadline every headersTimeout/4: bound = deadline + one check + margin.
    expect(Date.now() - started).toBeLessThan(300 + 75 + 1_000);
    expect([0, REFUSAL_BYTES.length]).toContain(reply.length);
  });

  it('every refusal is byte-for-byte the same answer', async () => {
    const { port, token } = await start({ maxHeaderSize: 1024, headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const head = (line: string, headers = ''): string => `${line}\r\nHost: x\r\n${headers}\r\n`;
    const refused = {
      'no token': head('GET /v1/secrets/npm_token HTTP/1.1'),
      'wrong token': head('GET /v1/secrets/npm_token HTTP/1.1', 'Authorization: Bearer nope\r\n'),
      'unknown id': head('GET /v1/secrets/nope HTTP/1.1', `Authorization: Bearer ${token}\r\n`),
      traversal: head('GET /v1/secrets/%2e%2e/npm_token HTTP/1.1', `Authorization: Bearer ${token}\r\n`),
      'wrong method': head('DELETE /v1/secrets/npm_token HTTP/1.1', `Authorization: Bearer ${token}\r\n`),
      'unknown method': head('BREW /v1/secrets/npm_token HTTP/1.1'),
      CONNECT: head('CONNECT 127.0.0.1:1 HTTP/1.1'),
      'oversized head': head('GET /v1/secrets/npm_token HTTP/1.1', `X-Pad: ${'a'.repeat(4096)}\r\n`),
      'malformed head': 'GET /v1/secrets/npm_token HTTP/1.1\r\nBad Header\r\n\r\n',
      'bad POST body': head('POST /v1/secrets/npm_token HTTP/1.1', 'Content-Length: 4\r\n') + 'nope',
      'header deadline': 'GET /v1/secrets/npm_token HTTP/1.1\r\nHost: x\r\n',
    };
    for (const [why, request] of Object.entries(refused)) {
      expect([why, (await exchange(port, request)).toString('latin1')]).toEqual([why, REFUSAL_BYTES.toString('latin1')]);
    }
    // The spent read, the last kind of refusal.
    expect((await exchange(port, head('GET /v1/secrets/npm_token HTTP/1.1', `Authorization: Bearer ${token}\r\n`))).toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    expect((await exchange(port, head('GET /v1/secrets/npm_token HTTP/1.1', `Authorization: Bearer ${token}\r\n`))).toString('latin1')).toBe(REFUSAL_BYTES.toString('latin1'));
  });

  it('close() is prompt even with connections open: bound 500 ms', async () => {
    const { port } = await start({ headersTimeoutMs: 30_000, requestTimeoutMs: 30_000 });
    for (let i = 0; i < 8; i++) idle.push(connect(port, '127.0.0.1').on('error', () => undefined));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await server?.close();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
