import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SSM_GET_PARAMETERS_LIMIT } from '@buildsecrets/test-kit';
import { CANARY, codeOf, resolveOnce, startSsmBackend, textOf } from './__fixtures__/harness.js';

let backend: Awaited<ReturnType<typeof startSsmBackend>>;
const N = 45;

beforeAll(async () => {
  backend = await startSsmBackend();
  for (let i = 0; i < N; i++) backend.server.putParameter(`/batch/p${i}`, `${CANARY}-${i}`);
  backend.server.putParameter('/app/token', 'token-v1');
  backend.server.putParameter('/app/token', 'token-v2', { labels: ['prod'] });
  backend.server.putParameter('/app/token', 'token-v3');
  backend.server.putParameter('/app/hosts', 'a.example,b.example', { type: 'StringList' });
  backend.server.putParameter('plain-name', 'plain', { type: 'String' });
  backend.server.putParameter('/app/db', JSON.stringify({ user: 'app', password: 'db-pass' }));
});
beforeEach(() => backend.server.resetCounts());
afterAll(async () => {
  await backend.close();
});

describe('ssm provider: GetParameters in groups of 10', () => {
  it.each([1, 9, 10, 11, 20, 45])('resolves %i secrets with ⌈N/10⌉ GetParameters calls', async (n) => {
    backend.server.resetCounts();
    const requests = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, ref: `/batch/p${i}` }));
    const { results } = await resolveOnce(backend.options(), requests);
    expect(results.map(textOf)).toEqual(requests.map((_, i) => `${CANARY}-${i}`));
    expect(backend.server.count()).toBe(Math.ceil(n / 10));
    expect(backend.server.requests.every((names) => names.length <= SSM_GET_PARAMETERS_LIMIT)).toBe(true);
  });

  it('asks for each distinct name once, even when several secrets pick keys from it', async () => {
    const { results } = await resolveOnce(backend.options(), [
      { id: 'user', ref: '/app/db', key: 'user' },
      { id: 'password', ref: '/app/db', key: 'password' },
      { id: 'again', ref: '/app/db', key: 'password' },
    ]);
    expect(results.map(textOf)).toEqual(['app', 'db-pass', 'db-pass']);
    expect(backend.server.requests).toEqual([['/app/db']]);
  });

  it('pins versions by number or label, in `version` or in the name, and returns StringList values as-is', async () => {
    const { results } = await resolveOnce(backend.options(), [
      { id: 'latest', ref: '/app/token' },
      { id: 'v1', ref: '/app/token', version: '1' },
      { id: 'label', ref: '/app/token', version: 'prod' },
      { id: 'inline', ref: '/app/token:1' },
      { id: 'list', ref: '/app/hosts' },
      { id: 'plain', ref: 'plain-name' },
    ]);
    expect(results.map(textOf)).toEqual(['token-v3', 'token-v1', 'token-v2', 'token-v1', 'a.example,b.example', 'plain']);
    expect(backend.server.count()).toBe(1);
    expect(backend.server.requests[0]).toEqual(['/app/token', '/app/token:1', '/app/token:prod', '/app/hosts', 'plain-name']);
  });

  it('reports invalid parameters per secret while the rest of the group is served', async () => {
    const { results } = await resolveOnce(backend.options(), [
      { id: 'ok', ref: '/batch/p1' },
      { id: 'missing', ref: '/batch/nope' },
      { id: 'no-version', ref: '/app/token', version: '99' },
      { id: 'no-label', ref: '/app/token', version: 'staging' },
      { id: 'bad-name', ref: 'spaces are not allowed' },
      { id: 'both', ref: '/app/token:1', version: '2' },
      { id: 'ok2', ref: '/batch/p2' },
    ]);
    expect(results.map(codeOf)).toEqual(['OK', 'SECRET_NOT_FOUND', 'SECRET_NOT_FOUND', 'SECRET_NOT_FOUND', 'SECRET_INVALID', 'SECRET_INVALID', 'OK']);
    expect(backend.server.count()).toBe(1);
    const missing = results[1]!;
    expect(missing.ok ? '' : missing.error.message).toContain('/batch/nope');
  });

  it('when SSM refuses a whole group for one denied parameter, asks again name by name so only that secret fails', async () => {
    backend.server.putParameter('/batch/denied', `${CANARY}-denied`);
    backend.server.failParameter('/batch/denied', 'AccessDeniedException');
    try {
      const { results } = await resolveOnce(backend.options(), [{ id: 'a', ref: '/batch/p3' }, { id: 'd', ref: '/batch/denied' }, { id: 'b', ref: '/batch/p4' }]);
      expect(results.map(codeOf)).toEqual(['OK', 'PERMISSION_DENIED', 'OK']);
      expect(backend.server.count()).toBe(4);
    } finally {
      backend.server.failParameter('/batch/denied', undefined);
    }
  });

  it('fails closed with typed errors on throttling, 5xx, cut connections and bad credentials', async () => {
    for (const failure of ['throttle', 'server-error', 'reset'] as const) {
      backend.server.failNext(1, failure);
      const { results } = await resolveOnce(backend.options(), [{ id: 'a', ref: '/batch/p1' }]);
      expect(codeOf(results[0]), failure).toBe('PROVIDER_UNAVAILABLE');
    }
    const saved = process.env['AWS_SECRET_ACCESS_KEY'];
    process.env['AWS_SECRET_ACCESS_KEY'] = 'wrong';
    try {
      const { results } = await resolveOnce(backend.options(), [{ id: 'a', ref: '/batch/p1' }]);
      expect(codeOf(results[0])).toMatch(/^AUTHENTICATION/);
    } finally {
      process.env['AWS_SECRET_ACCESS_KEY'] = saved;
    }
  });
});
