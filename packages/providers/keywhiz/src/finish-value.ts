import { extractKey, InvalidSecretError, SecretValue, type SecretRequest } from '@buildsecrets/core';

/** Epoch seconds of the Keywhiz `expiry` field; 0 or absent means the secret never expires. */
export function assertNotExpired(expiry: unknown, request: SecretRequest, provider: string, now = Date.now()): void {
  if (typeof expiry !== 'number' || !Number.isFinite(expiry) || expiry <= 0) return;
  if (expiry * 1000 > now) return;
  throw new InvalidSecretError(`secret "${request.id}" (${request.ref}) expired at ${new Date(expiry * 1000).toISOString()}`, {
    secretId: request.id,
    provider,
    hint: 'rotate the secret in Keywhiz (or extend its expiry), then run the build again',
  });
}

/** Keywhiz has no version pins; refuse one instead of silently returning the current value. */
export function assertNoVersion(request: SecretRequest, provider: string): void {
  if (request.version === undefined) return;
  throw new InvalidSecretError(`secret "${request.id}" asks for version "${request.version}", but keywhiz secrets cannot be pinned`, {
    secretId: request.id,
    provider,
    hint: 'remove `version` from this secret in the config',
  });
}

/** Wrap the bytes (wiping the buffer we read into) and pick `key` when the request asks for one. */
export function finishValue(bytes: Buffer, request: SecretRequest, provider: string): SecretValue {
  const whole = SecretValue.from(bytes);
  bytes.fill(0);
  if (request.key === undefined) return whole;
  try {
    return extractKey(whole, request.key, { secretId: request.id, provider });
  } finally {
    whole.wipe();
  }
}
