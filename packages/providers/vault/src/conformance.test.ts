import { runProviderConformance, type ConformanceSeed } from '@buildsecrets/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './__fixtures__/harness.js';
import vaultProvider from './index.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('vault-conformance');
const found = { value: `pw-${CANARY}` };
const v1 = { user: 'app', nested: { token: 'old' } };
const v2 = { user: 'app', password: CANARY, nested: { token: 't0k' } };

// No `empty` fixture: a KV secret is always an object, so an empty value only exists as an empty
// field, which the `key` cases already cover.
const seed: ConformanceSeed = {
  found: { ref: 'secret/conf/found', value: JSON.stringify(found) },
  missing: { ref: 'secret/conf/missing' },
  json: { ref: 'secret/conf/json', key: 'nested.token', value: 't0k', missingKey: 'port' },
  versioned: { ref: 'secret/conf/json', version: '1', value: JSON.stringify(v1) },
  invalid: [{ ref: 'secret/conf/truncated' }, { ref: 'secret/conf/nullkey', key: 'x' }, { ref: 'kv/conf/v1', version: '2' }],
  slow: { ref: 'secret/conf/slow' },
  canary: CANARY,
};

let h: Harness;

describe('vault provider conformance (against the Vault test server)', () => {
  beforeAll(async () => {
    h = await startHarness();
    const kv = h.vault.kv2('secret');
    kv.put('conf/found', found);
    kv.put('conf/json', v1);
    kv.put('conf/json', v2);
    kv.put('conf/truncated', { value: `truncated-${CANARY}` });
    kv.put('conf/nullkey', { x: null, y: CANARY });
    kv.put('conf/slow', { value: CANARY });
    h.vault.kv1('kv').put('conf/v1', { value: CANARY });
    h.vault.inject({ kind: 'truncate' }, { path: 'secret/data/conf/truncated' });
    h.vault.inject({ kind: 'latency', ms: 60_000 }, { path: 'secret/data/conf/slow' });
  });
  afterAll(async () => {
    await h.close();
  });

  runProviderConformance({
    it,
    expect,
    expect,
    create: async () => (await h.provider()).provider,
    seed,
    capabilities: vaultProvider.capabilities,
    name: 'vault',
  });
});
