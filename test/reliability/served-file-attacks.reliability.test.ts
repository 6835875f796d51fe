import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretValue, createRedactor, servedFileStrategy, type PreparedInjection, type SecretConfig } from '@buildsecrets/core';
import { CANARIES, expectNoCanaryIn } from '../setup/canary-values.js';
import { REFUSAL_BYTES } from '../../packages/core/src/strategies/served-file/refusal.js';
import { tokenFor } from '../../packages/core/src/strategies/served-file/token-list.js';
import { testStrategyContext } from '../../packages/core/src/strategies/__fixtures__/test-strategy-context.js';

// Every known attack on the served-file server, against ONE live server, in one place. The
// secret is a canary: no response byte, log line or error may ever carry it.
const SECRET = CANARIES.provider;
const HANG_GUARD_MS = 15_000;

interface Raw {
  readonly status: number;
  readonly bytes: Buffer;
  readonly reset: boolean;
  /** The server neither answered nor closed within the hang guard: always a failure. */
  readonly hung: boolean;
}

/** Send raw bytes (exact request target, no client normalisation) and read until the server closes. */
function raw(port: number, request: string | Buffer, options: { slowly?: boolean } = {}): Promise<Raw> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let reset = false;
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      socket.destroy();
    }, HANG_GUARD_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => (reset = true));
    socket.on('close', () => {
      clearTimeout(guard);
      const bytes = Buffer.concat(chunks);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(bytes.toString('latin1'))?.[1] ?? 0);
      resolve({ status, bytes, reset, hung });
    });
    if (!options.slowly) {
      socket.end(request);
      return;
    }
    // Slow-loris: one header byte every 100 ms, never finishing the head.
    const text = Buffer.from(request);
    let i = 0;
    const drip = setInterval(() => {
      if (socket.destroyed || i >= text.length) return clearInterval(drip);
      socket.write(text.subarray(i, ++i));
    }, 100);
    socket.on('close', () => clearInterval(drip));
  });
}

const get = (target: string, headers: Record<string, string> = {}, method = 'GET'): string =>
  `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`;

function secret(id: string, maxReads: number): { id: string; value: SecretValue; config: SecretConfig } {
  return { id, value: SecretValue.from(SECRET), config: { from: 'env', ref: id.toUpperCase(), inject: 'served-file', maxReads } };
}

describe('served-file: every attack against one live server is refused, and the legitimate fetch still works', () => {
  const logs: string[] = [];
  const responses: Buffer[] = [];
  const abort = new AbortController();
  let injection: PreparedInjection;
  let port = 0;
  let token = '';
  let onceToken = '';
  const auth = (t = token): Record<string, string> => ({ Authorization: `Bearer ${t}` });
  const attack = async (request: string | Buffer, options?: { slowly?: boolean }): Promise<Raw> => {
    const r = await raw(port, request, options);
    responses.push(r.bytes);
    expect(r.hung, 'the server left a request hanging').toBe(false);
    return r;
  };
  /** Every refusal is the same bytes: whatever was wrong, a prober sees this and nothing else. */
  const expectRefusal = (r: Raw, why: string): void => expect([why, r.bytes.toString('latin1')]).toEqual([why, REFUSAL_BYTES.toString('latin1')]);

  beforeAll(async () => {
    const redactor = createRedactor();
    // Not redacting on purpose: the logs must be clean by construction.
    const context = testStrategyContext({ lines: logs, redactLogs: false, overrides: { signal: abort.signal, redactor } });
    const strategy = servedFileStrategy({ limits: { headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 800 } });
    injection = await strategy.prepare([secret('legit', 1), secret('once', 1)], context);
    token = tokenFor(injection.env['BUILDSECRETS_TOKEN']!, 'legit')!;
    onceToken = tokenFor(injection.env['BUILDSECRETS_TOKEN']!, 'once')!;
    port = Number(new URL(injection.env['BUILDSECRETS_URL']!).port);
  });

  afterAll(async () => {
    await injection.dispose();
    abort.abort();
    for (const bytes of responses) expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    expectNoCanaryIn(logs.join('\n'), 'the served-file logs');
    expect(logs.join('\n')).not.toContain(token);
    expect(logs.join('\n')).not.toContain(onceToken);
  });

  it("no token, a wrong token, a malformed header, a right-length token differing in one byte, another secret's token → the refusal", async () => {
    const oneByteOff = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(oneByteOff).toHaveLength(token.length);
    for (const headers of [{}, auth('wrong'), auth(oneByteOff), auth(onceToken), { Authorization: token }, { Authorization: `Basic ${token}` }, { Authorization: `Bearer ${token} extra` }]) {
      expectRefusal(await attack(get('/v1/secrets/legit', headers)), JSON.stringify(headers));
    }
  });

  it('path traversal, encoded or not, and other path shapes → 403', async () => {
    for (const target of ['/v1/secrets/../secrets/legit', '/v1/secrets/%2e%2e/legit', '/v1/secrets/%2E%2E%2Flegit', '/v1/secrets/%252e%252e/legit', '/v1/secrets/legit/', '/v1/secrets//legit', '/v1/secrets/legit?x=1', '/v1/secrets/legit%00', '/v1/secrets/..', '/v1/secrets/nope', '//v1/secrets/legit', 'http://127.0.0.1/v1/secrets/legit', '/v1/secrets/legit#x', '/v1\\secrets\\legit']) {
      expectRefusal(await attack(get(target, auth())), target);
    }
  });

  it('methods other than GET (and POST with a token body), CONNECT and unknown methods → the same refusal', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'BREW']) {
      expectRefusal(await attack(get(method === 'CONNECT' ? '127.0.0.1:1' : '/v1/secrets/legit', auth(), method)), method);
    }
    // HEAD: the same status and headers; HTTP forbids a body.
    const head = await attack(get('/v1/secrets/legit', auth(), 'HEAD'));
    expect(head.bytes.toString('latin1')).toBe(REFUSAL_BYTES.toString('latin1').replace(/denied$/, ''));
  });

  it('oversized headers → the same refusal, before any token check', async () => {
    expectRefusal(await attack(get('/v1/secrets/legit', { ...auth(), 'X-Pad': 'a'.repeat(8192) })), 'oversized');
  });

  it('1,000 parallel bad requests each get the refusal or a reset (evicted before they were read); none hangs', async () => {
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => attack(get(i % 2 ? '/v1/secrets/legit' : '/v1/secrets/%2e%2e/once', auth(`bad${i}`)))));
    for (const r of results) {
      if (r.bytes.length > 0) expectRefusal(r, 'parallel');
      else expect(r.reset || r.bytes.length === 0).toBe(true);
    }
    expect(results.filter((r) => r.status === 403).length).toBeGreaterThan(0);
  }, 60_000);

  it('a slow-loris client is cut off by the header timeout (400 ms) with the refusal, long before its head is complete', async () => {
    const started = Date.now();
    const r = await attack(get('/v1/secrets/legit', auth()), { slowly: true });
    // Bound: the deadline + Node's check interval (deadline/4) + 1 s margin; the head would take ~10 s to drip in.
    expect(Date.now() - started).toBeLessThan(400 + 100 + 1_000);
    expect(r.bytes.length === 0 || r.bytes.equals(REFUSAL_BYTES)).toBe(true);
  }, 20_000);

  it('replay after maxReads → 403, the legitimate fetch still succeeds, and a fetch after the build ended is refused', async () => {
    const first = await attack(get('/v1/secrets/once', auth(onceToken)));
    expect(first.status).toBe(200);
    expect(first.bytes.subarray(first.bytes.indexOf('\r\n\r\n') + 4).toString()).toBe(SECRET);
    responses.pop(); // the one legitimate answer carries the value by design
    expectRefusal(await attack(get('/v1/secrets/once', auth(onceToken))), 'spent');

    const legit = await raw(port, get('/v1/secrets/legit', auth()));
    expect(legit.status).toBe(200);
    expect(legit.bytes.includes(Buffer.from(SECRET))).toBe(true);

    await injection.dispose(); // the build ended
    const after = await attack(get('/v1/secrets/legit', auth()));
    expect(after.status).toBe(0);
    expect(after.bytes.length).toBe(0);
  }, 20_000);
});
