import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, runProviderConformance, startAwsSecretsManagerTestServer, type AwsSecretsManagerTestServer } from '@buildsecrets/test-kit';
import { awsProvider } from './provider.js';
import { CANARY, useAwsTestEnv } from './__fixtures__/harness.js';

let server: AwsSecretsManagerTestServer;
let restoreEnv: () => void;
const PREVIOUS_ID = 'a0a0a0a0-0000-4000-8000-000000000001';

beforeAll(async () => {
  server = await startAwsSecretsManagerTestServer();
  restoreEnv = useAwsTestEnv(server);
  server.putSecret('conf/found', `${CANARY}-found`);
  server.putSecret('conf/empty', '');
  server.putSecret('conf/json', JSON.stringify({ password: `${CANARY}-json`, other: 'x' }));
  server.putSecret('conf/versioned', `${CANARY}-old`, { versionId: PREVIOUS_ID });
  server.putSecret('conf/versioned', `${CANARY}-new`);
  server.putSecret('conf/kms', `${CANARY}-kms`);
  server.failSecret('conf/kms', 'DecryptionFailure');
  server.putSecret('conf/not-json', `${CANARY}-not-json`);
});

afterAll(async () => {
  restoreEnv();
  await server.close();
});

describe('aws provider conformance', () => {
  runProviderConformance({
    it,
    expect,
    create: () => awsProvider.create({ region: server.region, endpoint: server.endpoint }, createTestContext({ instanceName: 'cloud' }).context),
    capabilities: awsProvider.capabilities,
    seed: {
      found: { ref: 'conf/found', value: `${CANARY}-found` },
      missing: { ref: 'conf/missing' },
      empty: { ref: 'conf/empty' },
      json: { ref: 'conf/json', key: 'password', value: `${CANARY}-json`, missingKey: 'nope' },
      versioned: { ref: 'conf/versioned', value: `${CANARY}-old`, version: PREVIOUS_ID },
      invalid: [{ ref: 'conf/kms' }, { ref: 'conf/not-json', key: 'field' }],
      canary: CANARY,
    },
  });
});
