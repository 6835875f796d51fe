import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, runProviderConformance } from '@buildsecrets/test-kit';
import { ssmProvider } from './provider.js';
import { CANARY, startSsmBackend } from './__fixtures__/harness.js';

let backend: Awaited<ReturnType<typeof startSsmBackend>>;

beforeAll(async () => {
  backend = await startSsmBackend();
  const s = backend.server;
  s.putParameter('/conf/found', `${CANARY}-found`);
  s.putParameter('/conf/json', JSON.stringify({ password: `${CANARY}-json`, other: 'x' }));
  s.putParameter('/conf/versioned', `${CANARY}-old`);
  s.putParameter('/conf/versioned', `${CANARY}-new`);
  s.putParameter('/conf/not-json', `${CANARY}-not-json`);
  s.putParameter('/conf/denied', `${CANARY}-denied`);
  s.failParameter('/conf/denied', 'AccessDeniedException');
});
afterAll(async () => {
  await backend.close();
});

describe('ssm provider conformance', () => {
  // SSM refuses empty values (a parameter's Value has at least one character), so there is no `empty` case.
  runProviderConformance({
    it,
    expect,
    create: () => ssmProvider.create(backend.options(), createTestContext({ instanceName: 'params' }).context),
    capabilities: ssmProvider.capabilities,
    seed: {
      found: { ref: '/conf/found', value: `${CANARY}-found` },
      missing: { ref: '/conf/missing' },
      json: { ref: '/conf/json', key: 'password', value: `${CANARY}-json`, missingKey: 'nope' },
      versioned: { ref: '/conf/versioned', value: `${CANARY}-old`, version: '1' },
      invalid: [{ ref: '/conf/denied' }, { ref: '/conf/not-json', key: 'field' }],
      canary: CANARY,
    },
  });
});
