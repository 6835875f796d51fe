import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Static credentials the AWS test server accepts. Not real AWS credentials. */
export interface AwsTestCredentials {
  /** Access key id the signature's Credential must name. */
  readonly accessKeyId: string;
  /** Secret key the server verifies signatures with. */
  readonly secretAccessKey: string;
}

/**
 * Why a request was refused, as AWS names it. `InvalidSignatureException` also covers a request
 * whose `x-amz-date` is more than {@link SIGV4_MAX_SKEW_MS} away from the server's clock (AWS:
 * "Signature expired"); `XAmzContentSHA256Mismatch` is a body that does not hash to the
 * `x-amz-content-sha256` header.
 */
export type SigV4Failure = 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException' | 'XAmzContentSHA256Mismatch';

/** How far `x-amz-date` may be from the server's clock, as AWS allows: 15 minutes. */
export const SIGV4_MAX_SKEW_MS = 15 * 60 * 1000;

/** Payload hashes that stand for "not hashed" (S3 allows them); any other value must match the body. */
const UNHASHED_PAYLOADS = new Set(['UNSIGNED-PAYLOAD']);

/** `20240101T000000Z` → epoch ms, or NaN when malformed. */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, se!);
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  const joined = Array.isArray(v) ? v.join(',') : (v ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

/**
 * Verify an AWS Signature Version 4 `Authorization` header as AWS does: credential scope (key id,
 * region, service), `host` and `x-amz-date` among the signed headers, `x-amz-date` within 15
 * minutes of the server's clock (`expected.now`, default `Date.now`), a present
 * `x-amz-content-sha256` equal to the body's SHA-256, and the signature recomputed over the signed
 * headers and the body with the known secret key. Returns `undefined` when valid.
 */
export function verifySigV4(
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer },
  expected: { credentials: AwsTestCredentials; region: string; service: string; now?: () => number },
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
  // An unsigned date could be replayed with a fresh one: AWS requires it signed.
  if (!names.includes('host') || !names.includes('x-amz-date')) return 'InvalidSignatureException';
  const signedAt = parseAmzDate(amzDate);
  const now = (expected.now ?? Date.now)();
  if (Number.isNaN(signedAt) || Math.abs(now - signedAt) > SIGV4_MAX_SKEW_MS) return 'InvalidSignatureException';
  const bodyHash = sha256(request.body);
  const declaredHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (declaredHash && !UNHASHED_PAYLOADS.has(declaredHash) && declaredHash !== bodyHash) return 'XAmzContentSHA256Mismatch';
  const [path, query = ''] = request.path.split('?', 2);
  const canonicalQuery = query.split('&').filter(Boolean).sort().join('&');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    names.map((n) => `${n}:${headerValue(request.headers, n)}\n`).join(''),
    signedHeaders,
    declaredHash || bodyHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${expected.credentials.secretAccessKey}`, date!), region!), service!), 'aws4_request');
  const computed = Buffer.from(hmac(signingKey, stringToSign).toString('hex'));
  const given = Buffer.from(signature!);
  return computed.length === given.length && timingSafeEqual(computed, given) ? undefined : 'InvalidSignatureException';
}
