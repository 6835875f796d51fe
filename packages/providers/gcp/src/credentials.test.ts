import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, AuthenticationError } from '@buildsecrets/core';
import { startGcpSecretManagerTestServer, type GcpSecretManagerTestServer } from '@buildsecrets/test-kit';
import { CANARY, assertNoLeak, makeProvider, resolveAll } from './__fixtures__/harness.js';

let server: GcpSecretManagerTestServer;
const seen: unknown[] = [];

beforeAll(async () => {
  server = await startGcpSecretManagerTestServer({ projectId: 'env-project' });
  server.addVersion('token', `${CANARY}-token`);
});

afterAll(async () => {
  await server.close();
  assertNoLeak(seen, [CANARY]);
});

describe('gcp provider: project, credentials and cancellation', () => {
  it('takes the project for short names from ADC (GOOGLE_CLOUD_PROJECT) when `projectId` is not set', async () => {
    const saved = process.env['GOOGLE_CLOUD_PROJECT'];
    process.env['GOOGLE_CLOUD_PROJECT'] = 'env-project';
    try {
      const { apiEndpoint, port, insecure } = server.providerOptions;
      const { provider } = await makeProvider(server, { apiEndpoint, port, insecure, projectId: undefined });
      const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
      expect(r?.ok && r.value.revealString()).toBe(`${CANARY}-token`);
      expect(server.requests).toEqual(['projects/env-project/secrets/token/versions/latest']);
      await provider.dispose();
    } finally {
      if (saved === undefined) delete process.env['GOOGLE_CLOUD_PROJECT'];
      else process.env['GOOGLE_CLOUD_PROJECT'] = saved;
    }
  });

  it('reports an unreadable key file as AuthenticationError with the ADC hint, without quoting the path error', async () => {
    const { provider, logs } = await makeProvider(server, { insecure: false, keyFilename: '/nonexistent/buildsecrets/key.json' });
    const [r] = await resolveAll(provider, [{ id: 'token', ref: 'projects/env-project/secrets/token' }]);
    await provider.dispose();
    if (!r || r.ok) throw new Error('expected a failure');
    seen.push(r.error, ...logs);
    expect(r.error).toBeInstanceOf(AuthenticationError);
    expect(r.error.message).toContain('gcloud auth application-default login');
    expect(r.error.secretId).toBe('token');
  });

  it('settles with AbortedError as soon as the caller aborts a slow call', async () => {
    server.setLatency(5_000);
    try {
      const { provider } = await makeProvider(server);
      const controller = new AbortController();
      const pending = provider.resolve([{ id: 'token', ref: 'token' }], controller.signal);
      setTimeout(() => controller.abort(), 50);
      const [r] = await pending;
      if (!r || r.ok) throw new Error('expected a failure');
      seen.push(r.error);
      expect(r.error).toBeInstanceOf(AbortedError);
      await provider.dispose();
    } finally {
      server.setLatency(0);
    }
  });
});
