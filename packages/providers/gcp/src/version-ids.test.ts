import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretResult } from '@buildsecrets/core';
import { startGcpSecretManagerTestServer, type GcpSecretManagerTestServer } from '@buildsecrets/test-kit';
import { CANARY, makeProvider, resolveAll } from './__fixtures__/harness.js';
import { gcpProvider } from './provider.js';

let server: GcpSecretManagerTestServer;

beforeAll(async () => {
  server = await startGcpSecretManagerTestServer();
  server.addVersion('api-key', JSON.stringify({ token: `${CANARY}-v1` }));
});
afterAll(() => server.close());

const versionOf = (r: SecretResult | undefined): string | undefined => (r?.ok ? r.versionId : undefined);

describe('gcp version ids (for cache: version)', () => {
  it('declares the capability', () => {
    expect(gcpProvider.capabilities.versionIds).toBe(true);
  });

  it('returns the numbered version name that `latest` resolved to, with or without a key, and the next one after a rotation', async () => {
    const { provider } = await makeProvider(server);
    const [whole, keyed] = await resolveAll(provider, [{ id: 'a', ref: 'api-key' }, { id: 'b', ref: 'api-key', key: 'token' }]);
    expect(versionOf(whole)).toBe('projects/test-project/secrets/api-key/versions/1');
    expect(versionOf(keyed)).toBe('projects/test-project/secrets/api-key/versions/1');
    await provider.dispose();
    server.addVersion('api-key', JSON.stringify({ token: `${CANARY}-v2` }));
    const { provider: after } = await makeProvider(server);
    const [rotated, pinned] = await resolveAll(after, [{ id: 'a', ref: 'api-key', key: 'token' }, { id: 'b', ref: 'api-key', key: 'token', version: '1' }]);
    expect(rotated?.ok && rotated.value.revealString()).toBe(`${CANARY}-v2`);
    expect(versionOf(rotated)).toBe('projects/test-project/secrets/api-key/versions/2');
    expect(versionOf(pinned)).toBe('projects/test-project/secrets/api-key/versions/1');
    expect(versionOf(rotated)).not.toContain(CANARY);
    await after.dispose();
  });
});
