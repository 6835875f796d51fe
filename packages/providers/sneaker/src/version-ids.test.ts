import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretResult } from '@buildsecrets/core';
import { sealSneaker } from '@buildsecrets/test-kit';
import { resolveOnce, startSneakerBackend, type SneakerBackend } from './__fixtures__/harness.js';

let backend: SneakerBackend;
const PATH = 's3://rev-bucket/app/';
const versionOf = (r: SecretResult | undefined): string | undefined => (r?.ok ? r.versionId : undefined);

beforeAll(async () => {
  backend = await startSneakerBackend();
});
afterAll(async () => {
  await backend.close();
});

describe('sneaker provider: version ids for cache revs', () => {
  it('returns the object key with its S3 version (or ETag), which changes on every new seal, never the value', async () => {
    sealSneaker({ kms: backend.kms, s3: backend.s3, path: PATH, secrets: { 'db password': 'rev-value-one-0123456789' } });
    const [first] = (await resolveOnce(backend.options(PATH), [{ id: 'db', ref: 'db password' }])).results;
    const id1 = versionOf(first);
    expect(id1).toMatch(/^app\/db%20password@\S+$/);
    sealSneaker({ kms: backend.kms, s3: backend.s3, path: PATH, secrets: { 'db password': 'rev-value-two-0123456789' } });
    const [again] = (await resolveOnce(backend.options(PATH), [{ id: 'db', ref: 'db password' }])).results;
    expect(versionOf(again)).toMatch(/^app\/db%20password@\S+$/);
    expect(versionOf(again)).not.toBe(id1);
    for (const id of [id1, versionOf(again)]) expect(id).not.toContain('rev-value');
  });
});
