import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Static credentials the AWS test server accepts. Not real AWS credentials. */
export interface AwsTestCredentials {
  /** Access key id the signature's Credential must name. */
  readonly accessKeyId: string;
  /** Secret key the server verifies signatures with. */
  readonly secretAccessKey: string;
}

/** Why a request was refused, as AWS names it. */
export type SigV4Failure = 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException';

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  const joined = Array.isArray(v) ? v.join(',') : (v ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

/**
 * Verify an AWS Signature Version 4 `Authorization` header for a POST to `/` (the JSON 1.1
 * protocol): credential scope (key id, region, service), and the signature recomputed over the
 * signed headers and the body with the known secret key. Returns `undefined` when valid.
 */
export function verifySigV4(
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer },
  expected: { credentials: AwsTestCredentials; region: string; service: string },
): SigV4Failure | undefined {
  const header = headerValue(request.headers, 'authorization');
  if (!header) return 'MissingAuthenticationTokenException';
  const m = AUTH.exec(header);
  if (!m) return 'InvalidSignatureException';
  const [, keyId, date, region, service, signedHeaders, signature] = m as unknown as string[];
  if (keyId !== expected.credentials.accessKeyId) return 'UnrecognizedClientException';
  if (region !== expected.region || service !== expected.service) return 'InvalidSignatureException';
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (!amzDate.startsWith(date!)) return 'InvalidSignatureException';
  const names = signedHeaders!.split(';');
  if (!names.includes('host')) return 'InvalidSignatureException';
  const [path, query = ''] = request.path.split('?', 2);
  const canonicalQuery = query.split('&').filter(Boolean).sort().join('&');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    names.map((n) => `${n}:${headerValue(request.headers, n)}\n`).join(''),
    signedHeaders,
    headerValue(request.headers, 'x-amz-content-sha256') || sha256(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${expected.credentials.secretAccessKey}`, date!), region!), service!), 'aws4_request');
  const computed = Buffer.from(hmac(signingKey, stringToSign).toString('hex'));
  const given = Buffer.from(signature!);
  return computed.length === given.length && timingSafeEqual(computed, given) ? undefined : 'InvalidSignatureException';
}
