import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import vaultProvider from './index.js';
import { resolveOne, startHarness, valueOf, type Harness } from './__fixtures__/harness.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = `npm_${makeCanary('version-id')}`;
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const versionOf = (result: Awaited<ReturnType<typeof resolveOne>>): string | undefined => (result.ok ? result.versionId : undefined);

describe('vault version ids (for cache: version)', () => {
  it('declares the capability', () => {
    expect(vaultProvider.capabilities.versionIds).toBe(true);
  });

  it('returns <path>@<metadata.version> for a KV v2 read, changing when the secret is written again', async () => {
    const kv = h.vault.kv2('secret');
    kv.put('ci/npm', { token: CANARY });
    const { provider: first } = await h.provider();
    const one = await resolveOne(first, { ref: 'secret/ci/npm', key: 'token' });
    expect(versionOf(one)).toBe('secret/ci/npm@1');
    kv.put('ci/npm', { token: `${CANARY}-rotated` });
    const { provider } = await h.provider();
    const two = await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' });
    expect(valueOf(two)).toBe(`${CANARY}-rotated`);
    expect(versionOf(two)).toBe('secret/ci/npm@2');
    expect(versionOf(await resolveOne(provider, { ref: '/v1/secret/ci/npm/', key: 'token', version: '1' }))).toBe('secret/ci/npm@1');
  });

  it('never derives the id from the value', async () => {
    h.vault.kv2('secret').put('ci/npm', { token: CANARY });
    const { provider } = await h.provider();
    expect(versionOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).not.toContain(CANARY);
  });

  it('returns no version id from a KV v1 mount, which keeps no versions', async () => {
    h.vault.kv1('kv').put('ci/npm', { token: CANARY });
    const { provider } = await h.provider();
    const result = await resolveOne(provider, { ref: 'kv/ci/npm', key: 'token' });
    expect(valueOf(result)).toBe(CANARY);
    expect(versionOf(result)).toBeUndefined();
  });
});
