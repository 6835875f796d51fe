import { InvalidSecretError, type SecretRequest } from '@buildsecrets/core';
import { assertNotExpired } from '../finish-value.js';
import { MAX_SECRET_BYTES } from '../limits.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decode the Keywhiz secret JSON (`{ "name", "secret": <base64>, "secretLength", "expiry", ... }`)
 * into the secret's bytes. Failures never quote the body or the parse error, which would.
 */
export function parseReply(body: Buffer, request: SecretRequest, host: string, provider: string): Buffer {
  const invalid = (why: string): InvalidSecretError =>
    new InvalidSecretError(`keywhiz at ${host} sent an unusable answer for secret "${request.id}": ${why}`, {
      secretId: request.id,
      provider,
      hint: 'check that `url` points at the Keywhiz client API (GET /secret/<name>)',
    });
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid('the body is not JSON');
  } finally {
    body.fill(0);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('the body is not a JSON object');
  const record = data as Record<string, unknown>;
  const encoded = record['secret'];
  if (typeof encoded !== 'string') throw invalid('it has no "secret" string field');
  if (!BASE64.test(encoded)) throw invalid('the "secret" field is not valid base64');
  assertNotExpired(record['expiry'], request, provider);
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length > MAX_SECRET_BYTES) {
    bytes.fill(0);
    throw new InvalidSecretError(`secret "${request.id}" is ${bytes.length} bytes, more than the ${MAX_SECRET_BYTES}-byte limit`, {
      secretId: request.id,
      provider,
      hint: 'BuildKit refuses secrets over 500 KiB; store a smaller value',
    });
  }
  return bytes;
}
