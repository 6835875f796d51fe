import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchGetSecretValueCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startAwsSecretsManagerTestServer, type AwsSecretsManagerTestServer } from './aws-secrets-manager-server.js';

let server: AwsSecretsManagerTestServer;

function client(secretAccessKey = server.credentials.secretAccessKey): SecretsManagerClient {
  return new SecretsManagerClient({
    region: server.region,
    endpoint: server.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey },
  });
}

async function raw(target: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
  const res = await fetch(server.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${target}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), json: (await res.json()) as Record<string, unknown> };
}

const quiet = process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];

beforeAll(async () => {
  // This file drives the raw SDK, whose Node-version notice would only be noise here.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  server = await startAwsSecretsManagerTestServer();
});

afterAll(async () => {
  if (quiet === undefined) delete process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
  else process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = quiet;
  await server.close();
});

describe('AWS Secrets Manager test server', () => {
  it('rejects unsigned requests the way AWS does', async () => {
    server.putSecret('s', 'v');
    const res = await raw('GetSecretValue', { SecretId: 's' });
    expect(res.status).toBe(403);
    expect(res.type).toBe('MissingAuthenticationTokenException');
    expect(res.json['__type']).toBe('MissingAuthenticationTokenException');
  });

  it('rejects a well-formed header with a wrong signature, and an unknown access key id', async () => {
    const forged = await raw('GetSecretValue', { SecretId: 's' }, {
      authorization: `AWS4-HMAC-SHA256 Credential=${server.credentials.accessKeyId}/20240101/${server.region}/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      'x-amz-date': '20240101T000000Z',
    });
    expect(forged.type).toBe('InvalidSignatureException');
    await expect(client('wrong-secret-key').send(new GetSecretValueCommand({ SecretId: 's' }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    const unknown = await raw('GetSecretValue', {}, {
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDUNKNOWN/20240101/${server.region}/secretsmanager/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
    });
    expect(unknown.type).toBe('UnrecognizedClientException');
  });

  it('serves versions and moves AWSCURRENT to AWSPREVIOUS on a new version, as PutSecretValue does', async () => {
    const first = server.putSecret('rotating', 'one');
    server.putSecret('rotating', 'two');
    const c = client();
    const current = await c.send(new GetSecretValueCommand({ SecretId: 'rotating' }));
    const previous = await c.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }));
    expect([current.SecretString, previous.SecretString, previous.VersionId]).toEqual(['two', 'one', first.versionId]);
    expect(current.CreatedDate).toBeInstanceOf(Date);
    expect(current.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:rotating-[A-Za-z0-9]{6}$/);
    c.destroy();
  });

  it('answers BatchGetSecretValue with values and per-item errors, refuses more than 20 ids, and counts calls per target', async () => {
    server.resetCounts();
    server.putSecret('bin', Buffer.from([1, 2, 3]));
    const c = client();
    const out = await c.send(new BatchGetSecretValueCommand({ SecretIdList: ['bin', 'absent'] }));
    expect(out.SecretValues?.map((v) => [v.Name, [...(v.SecretBinary ?? [])]])).toEqual([['bin', [1, 2, 3]]]);
    expect(out.Errors).toEqual([expect.objectContaining({ SecretId: 'absent', ErrorCode: 'ResourceNotFoundException' })]);
    await expect(c.send(new BatchGetSecretValueCommand({ SecretIdList: Array.from({ length: 21 }, (_, i) => `x${i}`) }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(server.count('BatchGetSecretValue')).toBe(2);
    expect(server.count('GetSecretValue')).toBe(0);
    c.destroy();
  });

  it('injects throttling and 5xx for the next N requests, and denies batching on demand', async () => {
    const c = client();
    server.failNext(2, 'InternalServiceError');
    await expect(c.send(new GetSecretValueCommand({ SecretId: 's' }))).rejects.toMatchObject({ name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } });
    await expect(c.send(new GetSecretValueCommand({ SecretId: 's' }))).rejects.toMatchObject({ name: 'InternalServiceError' });
    server.failNext(1, 'ThrottlingException');
    await expect(c.send(new GetSecretValueCommand({ SecretId: 's' }))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect((await c.send(new GetSecretValueCommand({ SecretId: 's' }))).SecretString).toBe('v');
    server.denyBatch();
    await expect(c.send(new BatchGetSecretValueCommand({ SecretIdList: ['s'] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    server.denyBatch(false);
    c.destroy();
  });
});
