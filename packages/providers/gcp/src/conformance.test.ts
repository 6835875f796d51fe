import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, runProviderConformance, startGcpSecretManagerTestServer, type GcpSecretManagerTestServer } from '@buildsecrets/test-kit';
import { gcpProvider } from './provider.js';
import { CANARY } from './__fixtures__/harness.js';

let server: GcpSecretManagerTestServer;

beforeAll(async () => {
  server = await startGcpSecretManagerTestServer();
  server.addVersion('found', `${CANARY}-found`);
  server.addVersion('empty', '');
  server.addVersion('json', JSON.stringify({ password: `${CANARY}-json`, other: 'x' }));
  server.addVersion('versioned', `${CANARY}-old`);
  server.addVersion('versioned', `${CANARY}-new`);
  server.addVersion('denied', `${CANARY}-denied`);
  server.failSecret('denied', 'PERMISSION_DENIED');
  server.addVersion('disabled', `${CANARY}-disabled`);
  server.setVersionState('disabled', 1, 'DISABLED');
  server.addVersion('not-json', `${CANARY}-not-json`);
});

afterAll(async () => {
  await server.close();
});

describe('gcp provider conformance', () => {
  runProviderConformance({
    it,
    expect,
    create: () => gcpProvider.create(gcpProvider.optionsSchema.parse(server.providerOptions), createTestContext({ instanceName: 'gsm' }).context),
    capabilities: gcpProvider.capabilities,
    seed: {
      found: { ref: 'found', value: `${CANARY}-found` },
      missing: { ref: 'missing' },
      empty: { ref: 'empty' },
      json: { ref: 'json', key: 'password', value: `${CANARY}-json`, missingKey: 'nope' },
      versioned: { ref: 'versioned', value: `${CANARY}-old`, version: '1' },
      invalid: [{ ref: 'denied' }, { ref: 'disabled' }, { ref: 'not-json', key: 'field' }],
      canary: CANARY,
    },
  });
});
