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

  it('refuses an unreadable key file up front with AuthenticationError and the ADC hint, naming neither path nor value', async () => {
    const err = await makeProvider(server, { insecure: false, keyFilename: '/nonexistent/buildsecrets/key.json' }).then(() => undefined, (e: unknown) => e);
    seen.push(err);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain('`keyFilename`');
    expect((err as Error).message).toContain('gcloud auth application-default login');
    expect((err as Error).message).not.toContain('/nonexistent');
  });

  it('checks GOOGLE_APPLICATION_CREDENTIALS the same way', async () => {
    const saved = process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = '/nonexistent/buildsecrets/adc.json';
    try {
      const err = await makeProvider(server, { insecure: false }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as Error).message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    } finally {
      if (saved === undefined) delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
      else process.env['GOOGLE_APPLICATION_CREDENTIALS'] = saved;
    }
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
