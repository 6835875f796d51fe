import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, runProviderConformance, sealSneaker } from '@buildsecrets/test-kit';
import { sneakerProvider } from './provider.js';
import { CANARY, startSneakerBackend, type SneakerBackend } from './__fixtures__/harness.js';

let backend: SneakerBackend;
const OLD_VERSION = 'Wq3x.old-version_0001';
const PATH = 's3://conformance-bucket/ci/';
const CONTEXT = { app: 'conformance' };

beforeAll(async () => {
  backend = await startSneakerBackend();
  const seal = (secrets: Record<string, string>, context: Record<string, string> = CONTEXT) => sealSneaker({ kms: backend.kms, s3: backend.s3, path: PATH, context, secrets });
  seal({ found: `${CANARY}-found`, empty: '', json: JSON.stringify({ password: `${CANARY}-json`, other: 'x' }), 'not-json': `${CANARY}-not-json` });
  sealSneaker({ kms: backend.kms, s3: backend.s3, path: PATH, context: CONTEXT, versionId: OLD_VERSION, secrets: { versioned: `${CANARY}-old` } });
  seal({ versioned: `${CANARY}-new` });
  // Sealed for another master context: KMS refuses its data key under ours.
  seal({ 'other-context': `${CANARY}-other` }, { app: 'someone-else' });
  backend.s3.putObject('conformance-bucket', 'ci/garbage', `${CANARY}-not-an-envelope`);
});

afterAll(async () => {
  await backend.close();
});

describe('sneaker provider conformance', () => {
  runProviderConformance({
    it,
    expect,
    create: () => sneakerProvider.create(backend.options(PATH, { context: CONTEXT }), createTestContext({ instanceName: 'sneaker' }).context),
    capabilities: sneakerProvider.capabilities,
    seed: {
      found: { ref: 'found', value: `${CANARY}-found` },
      missing: { ref: 'missing' },
      empty: { ref: 'empty' },
      json: { ref: 'json', key: 'password', value: `${CANARY}-json`, missingKey: 'nope' },
      versioned: { ref: 'versioned', value: `${CANARY}-old`, version: OLD_VERSION },
      invalid: [{ ref: 'other-context' }, { ref: 'garbage' }, { ref: 'not-json', key: 'field' }],
      canary: CANARY,
    },
  });
});
