import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsSecretsManagerTestServer, type AwsSecretsManagerTestServer } from './aws-secrets-manager-server.js';
import { SIGV4_MAX_SKEW_MS, verifySigV4 } from './sigv4.js';

// The verifier must refuse what AWS refuses. Requests here are signed by the AWS SDK's own signer
// (@smithy/signature-v4), an implementation independent of the verifier under test, then bent.

/** The hash interface the smithy signer wants, over node:crypto. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

let server: AwsSecretsManagerTestServer;
let clockOffsetMs = 0;

beforeAll(async () => {
  server = await startAwsSecretsManagerTestServer({ now: () => Date.now() + clockOffsetMs });
  server.putSecret('s', 'value-of-s');
});
afterAll(async () => {
  await server.close();
});

interface SignOptions {
  readonly body?: string;
  /** Body actually sent, when it differs from the signed one. */
  readonly sentBody?: string;
  readonly signingDate?: Date;
  readonly unsignable?: readonly string[];
  readonly secretAccessKey?: string;
}

async function send(options: SignOptions = {}): Promise<{ status: number; type: string | null }> {
  const url = new URL(server.endpoint);
  const body = options.body ?? JSON.stringify({ SecretId: 's' });
  const signer = new SignatureV4({
    credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: options.secretAccessKey ?? server.credentials.secretAccessKey },
    region: server.region,
    service: 'secretsmanager',
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, body, headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' } },
    { ...(options.signingDate ? { signingDate: options.signingDate } : {}), unsignableHeaders: new Set(options.unsignable ?? []) },
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k !== 'host'));
  const res = await fetch(server.endpoint, { method: 'POST', headers, body: options.sentBody ?? body });
  await res.arrayBuffer();
  return { status: res.status, type: res.headers.get('x-amzn-errortype') };
}

describe('SigV4 verification of the AWS test servers', () => {
  it('accepts a request signed by the SDK signer, with x-amz-content-sha256 signed', async () => {
    server.resetCounts();
    expect(await send()).toEqual({ status: 200, type: null });
    expect(server.count('GetSecretValue')).toBe(1);
  });

  it('compares the body with x-amz-content-sha256: a body swapped after signing is refused', async () => {
    const res = await send({ body: JSON.stringify({ SecretId: 's' }), sentBody: JSON.stringify({ SecretId: 't' }) });
    expect(res).toEqual({ status: 400, type: 'XAmzContentSHA256Mismatch' });
  });

  it('requires x-amz-date to be signed', async () => {
    expect(await send({ unsignable: ['x-amz-date'] })).toEqual({ status: 400, type: 'InvalidSignatureException' });
  });

  it('refuses a signature more than 15 minutes away from the server clock, either way, and accepts one just inside', async () => {
    const minute = 60_000;
    expect(await send({ signingDate: new Date(Date.now() - SIGV4_MAX_SKEW_MS - minute) })).toEqual({ status: 400, type: 'InvalidSignatureException' });
    expect(await send({ signingDate: new Date(Date.now() + SIGV4_MAX_SKEW_MS + minute) })).toEqual({ status: 400, type: 'InvalidSignatureException' });
    expect((await send({ signingDate: new Date(Date.now() - SIGV4_MAX_SKEW_MS + minute) })).status).toBe(200);
    clockOffsetMs = 20 * minute; // the server's clock runs ahead: a fresh client signature is now stale
    try {
      expect(await send()).toEqual({ status: 400, type: 'InvalidSignatureException' });
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('counts only requests it accepted: unsigned, forged and stale ones are not calls', async () => {
    server.resetCounts();
    await fetch(server.endpoint, { method: 'POST', headers: { 'x-amz-target': 'secretsmanager.GetSecretValue' }, body: '{}' }).then((r) => r.arrayBuffer());
    await send({ secretAccessKey: 'not-the-key' });
    await send({ signingDate: new Date(Date.now() - 2 * SIGV4_MAX_SKEW_MS) });
    expect(server.count('GetSecretValue')).toBe(0);
    await send();
    expect(server.count('GetSecretValue')).toBe(1);
  });

  it('verifySigV4 (as S3/KMS/SSM servers reuse it) accepts UNSIGNED-PAYLOAD but no other mismatching hash', () => {
    const base = { method: 'GET', path: '/', body: Buffer.from('x') };
    const expected = { credentials: server.credentials, region: 'us-east-1', service: 's3' };
    const headers = { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=' + '0'.repeat(64), 'x-amz-date': '20240101T000000Z', host: 'h' };
    const at = { ...expected, now: () => Date.UTC(2024, 0, 1) };
    expect(verifySigV4({ ...base, headers: { ...headers, 'x-amz-content-sha256': 'a'.repeat(64) } }, at)).toBe('XAmzContentSHA256Mismatch');
    // UNSIGNED-PAYLOAD passes the hash check and then fails only on the (zero) signature.
    expect(verifySigV4({ ...base, headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, at)).toBe('InvalidSignatureException');
  });
});
