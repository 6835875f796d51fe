import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretResult } from '@buildsecrets/core';
import { startAwsSecretsManagerTestServer, type AwsSecretsManagerTestServer } from '@buildsecrets/test-kit';
import { CANARY, makeProvider, resolveAll, useAwsTestEnv } from './__fixtures__/harness.js';
import { awsProvider } from './provider.js';

let server: AwsSecretsManagerTestServer;
let restoreEnv: () => void;
const V1 = '11111111-1111-4111-8111-111111111111';
const V2 = '22222222-2222-4222-8222-222222222222';

beforeAll(async () => {
  server = await startAwsSecretsManagerTestServer();
  restoreEnv = useAwsTestEnv(server);
  server.putSecret('app/token', `${CANARY}-v1`, { versionId: V1 });
  server.putSecret('app/other', `${CANARY}-other`, { versionId: '44444444-4444-4444-8444-444444444444' });
});
afterAll(async () => {
  restoreEnv();
  await server.close();
});

const versionOf = (r: SecretResult | undefined): string | undefined => (r?.ok ? r.versionId : undefined);

describe('aws version ids (for cache: version)', () => {
  it('declares the capability', () => {
    expect(awsProvider.capabilities.versionIds).toBe(true);
  });

  it('returns the VersionId served by GetSecretValue, and the new one after a rotation', async () => {
    const { provider } = await makeProvider(server);
    expect(versionOf((await resolveAll(provider, [{ id: 't', ref: 'app/token' }]))[0])).toBe(V1);
    server.putSecret('app/token', `${CANARY}-v2`, { versionId: V2 });
    const { provider: after } = await makeProvider(server);
    const [rotated] = await resolveAll(after, [{ id: 't', ref: 'app/token' }]);
    expect(rotated?.ok && rotated.value.revealString()).toBe(`${CANARY}-v2`);
    expect(versionOf(rotated)).toBe(V2);
    expect(versionOf((await resolveAll(after, [{ id: 't', ref: 'app/token', version: V1 }]))[0])).toBe(V1);
  });

  it('returns each VersionId from a BatchGetSecretValue answer', async () => {
    const { provider } = await makeProvider(server);
    server.resetCounts();
    const results = await resolveAll(provider, [{ id: 'a', ref: 'app/token' }, { id: 'b', ref: 'app/other' }]);
    expect(server.count('BatchGetSecretValue')).toBe(1);
    expect(results.map(versionOf)).toEqual([V2, '44444444-4444-4444-8444-444444444444']);
  });
});
