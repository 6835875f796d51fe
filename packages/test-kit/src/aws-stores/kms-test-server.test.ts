import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { startKmsTestServer, type KmsTestServer } from './kms-test-server.js';

let server: KmsTestServer;
const quiet = process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];

const client = (secretAccessKey = server.credentials.secretAccessKey): KMSClient =>
  new KMSClient({ region: server.region, endpoint: server.endpoint, maxAttempts: 1, credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey } });

beforeAll(async () => {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  server = await startKmsTestServer({ region: 'eu-west-1' });
});
afterAll(async () => {
  if (quiet === undefined) delete process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
  await server.close();
});

describe('KMS test server', () => {
  it('GenerateDataKey returns a 32-byte key and a blob that Decrypt opens under the same context, naming the key ARN', async () => {
    const kms = client();
    const context = { app: 'web', Path: 's3://b/p' };
    const made = await kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/sneaker', KeySpec: 'AES_256', EncryptionContext: context }));
    expect(made.Plaintext).toHaveLength(32);
    expect(made.KeyId).toBe(server.defaultKey.arn);
    expect(made.KeyId).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/);
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: made.CiphertextBlob!, EncryptionContext: { Path: 's3://b/p', app: 'web' } }));
    expect(Buffer.from(opened.Plaintext!).equals(Buffer.from(made.Plaintext!))).toBe(true);
    expect(opened.KeyId).toBe(server.defaultKey.arn);
  });

  it('enforces the encryption context exactly: a changed, missing or extra pair fails with InvalidCiphertextException', async () => {
    const kms = client();
    const made = await kms.send(new EncryptCommand({ KeyId: server.defaultKey.keyId, Plaintext: Buffer.from('x'), EncryptionContext: { a: '1' } }));
    for (const context of [{ a: '2' }, {}, { a: '1', b: '2' }, { A: '1' }]) {
      await expect(kms.send(new DecryptCommand({ CiphertextBlob: made.CiphertextBlob!, EncryptionContext: context }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    }
    const tampered = Buffer.from(made.CiphertextBlob!);
    tampered[tampered.length - 1]! ^= 1;
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: { a: '1' } }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    const ok = await kms.send(new DecryptCommand({ CiphertextBlob: made.CiphertextBlob!, EncryptionContext: { a: '1' } }));
    expect(Buffer.from(ok.Plaintext!).toString()).toBe('x');
  });

  it('answers AccessDeniedException naming the key ARN for a denied key, DisabledException for a disabled one, IncorrectKeyException for the wrong KeyId', async () => {
    const kms = client();
    const other = server.createKey('alias/other');
    const made = await kms.send(new EncryptCommand({ KeyId: 'alias/other', Plaintext: Buffer.from('x') }));
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: made.CiphertextBlob!, KeyId: server.defaultKey.arn }))).rejects.toMatchObject({ name: 'IncorrectKeyException' });
    server.denyKey(other.keyId);
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: made.CiphertextBlob! }))).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining(other.arn) });
    server.denyKey(other.keyId, false);
    server.disableKey(other.arn);
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: made.CiphertextBlob! }))).rejects.toMatchObject({ name: 'DisabledException' });
    await expect(kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/missing', KeySpec: 'AES_256' }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('checks SigV4 with the AWS verifier, counts operations and injects faults', async () => {
    server.resetCounts();
    await expect(client('wrong').send(new GenerateDataKeyCommand({ KeyId: 'alias/sneaker', KeySpec: 'AES_256' }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    server.failNext(1, 'throttle');
    await expect(client().send(new GenerateDataKeyCommand({ KeyId: 'alias/sneaker', KeySpec: 'AES_256' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    // The badly signed call is refused before it counts: only signed requests are counted.
    expect(server.count('GenerateDataKey')).toBe(1);
    expect(server.count('Decrypt')).toBe(0);
  });
});

describe('KMS test server refuses malformed requests in AWS shape, without crashing', () => {
  it('answers an unknown target, a non-POST and an oversized body with AWS errors', async () => {
    const post = (target: string, body: string | Buffer, method = 'POST') =>
      fetch(server.endpoint, { method, headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, ...(method === 'POST' ? { body } : {}) });
    const unknown = await post('TrentService.ScheduleKeyDeletion', '{}');
    expect([unknown.status, unknown.headers.get('x-amzn-errortype')]).toEqual([400, 'UnknownOperationException']);
    const get = await post('TrentService.Decrypt', '', 'GET');
    expect(get.status).toBe(400);
    const unsigned = await post('TrentService.Decrypt', 'not json');
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const huge = await post('TrentService.Decrypt', Buffer.alloc((1 << 20) + 10));
    expect(huge.status).toBe(413);
    // Still serving.
    const made = await client().send(new GenerateDataKeyCommand({ KeyId: 'alias/sneaker', KeySpec: 'AES_256' }));
    expect(made.Plaintext).toHaveLength(32);
  });
});
