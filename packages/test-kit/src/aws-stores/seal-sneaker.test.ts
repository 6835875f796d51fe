import { execFileSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startKmsTestServer, type KmsTestServer } from './kms-test-server.js';
import { startS3TestServer, type S3TestServer } from './s3-test-server.js';
import { sealSneaker, sealSneakerPack } from './seal-sneaker.js';

let kms: KmsTestServer;
let s3: S3TestServer;
const quiet = process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
const credentials = () => ({ accessKeyId: kms.credentials.accessKeyId, secretAccessKey: kms.credentials.secretAccessKey });

/** Open an envelope by the spec, with KMS over the wire: what any Sneaker reader does. */
async function openBySpec(sealed: Uint8Array, context: Record<string, string>): Promise<Buffer> {
  const bytes = Buffer.from(sealed);
  const n = bytes.readUInt32BE(0);
  const client = new KMSClient({ region: kms.region, endpoint: kms.endpoint, credentials: credentials(), maxAttempts: 1 });
  const key = await client.send(new DecryptCommand({ CiphertextBlob: bytes.subarray(4, 4 + n), EncryptionContext: context }));
  const rest = bytes.subarray(4 + n);
  const gcm = createDecipheriv('aes-256-gcm', key.Plaintext!, rest.subarray(0, 12)).setAAD(Buffer.from(key.KeyId!));
  gcm.setAuthTag(rest.subarray(rest.length - 16));
  return Buffer.concat([gcm.update(rest.subarray(12, rest.length - 16)), gcm.final()]);
}

beforeAll(async () => {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  [kms, s3] = await Promise.all([startKmsTestServer(), startS3TestServer()]);
});
afterAll(async () => {
  if (quiet === undefined) delete process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
  await Promise.all([kms.close(), s3.close()]);
});

describe('sealSneaker and sealSneakerPack', () => {
  it('store each secret at prefix/path, sealed under the master context plus Path', async () => {
    const written = sealSneaker({ kms, s3, path: 's3://seal-bucket/team/', context: { env: 'ci' }, secrets: { 'db/password': 'hunter2' } });
    const object = await new S3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: credentials(), maxAttempts: 1 })
      .send(new GetObjectCommand({ Bucket: 'seal-bucket', Key: 'team/db/password' }));
    expect(object.VersionId).toBe(written['db/password']!.versionId);
    const sealed = await object.Body!.transformToByteArray();
    expect((await openBySpec(sealed, { env: 'ci', Path: 's3://seal-bucket/team/db/password' })).toString()).toBe('hunter2');
    await expect(openBySpec(sealed, { env: 'ci' })).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('write a pack whose envelope holds a TAR that GNU tar reads', async () => {
    const sealed = await sealSneakerPack({ kms, context: { stage: 'release' }, files: { 'release/key.pem': 'PEM-BYTES', [`${'n'.repeat(120)}/deep`]: 'deep' } });
    const tar = await openBySpec(sealed, { stage: 'release' });
    expect(execFileSync('tar', ['-tf', '-'], { input: tar }).toString().trim().split('\n')).toEqual(['release/key.pem', `${'n'.repeat(120)}/deep`]);
    expect(execFileSync('tar', ['-xOf', '-', 'release/key.pem'], { input: tar }).toString()).toBe('PEM-BYTES');
  });
});
