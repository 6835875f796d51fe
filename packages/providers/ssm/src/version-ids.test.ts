import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretResult } from '@buildsecrets/core';
import { resolveOnce, startSsmBackend } from './__fixtures__/harness.js';

let backend: Awaited<ReturnType<typeof startSsmBackend>>;
const versionOf = (r: SecretResult | undefined): string | undefined => (r?.ok ? r.versionId : undefined);

beforeAll(async () => {
  backend = await startSsmBackend();
  backend.server.putParameter('/rev/token', 'rev-token-v1');
  backend.server.putParameter('/rev/json', JSON.stringify({ a: 'rev-json-a-value' }));
});
afterAll(async () => {
  await backend.close();
});

describe('ssm provider: version ids for cache revs', () => {
  it('returns <name>@<Version>, which changes when the parameter does and follows a pin', async () => {
    const [first, keyed] = (await resolveOnce(backend.options(), [{ id: 't', ref: '/rev/token' }, { id: 'k', ref: '/rev/json', key: 'a' }])).results;
    expect(versionOf(first)).toBe('/rev/token@1');
    expect(versionOf(keyed)).toBe('/rev/json@1');
    backend.server.putParameter('/rev/token', 'rev-token-v2');
    const [rotated, pinned] = (await resolveOnce(backend.options(), [{ id: 't', ref: '/rev/token' }, { id: 'p', ref: '/rev/token', version: '1' }])).results;
    expect(versionOf(rotated)).toBe('/rev/token@2');
    expect(versionOf(pinned)).toBe('/rev/token@1');
    expect(versionOf(rotated)).not.toContain('rev-token');
  });
});
