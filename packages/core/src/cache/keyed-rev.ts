import { createHmac } from 'node:crypto';
import type { SecretValue } from '../secret-value.js';

/**
 * Bits of HMAC-SHA-256 output kept in a keyed rev: 128. The rev only has to change when the value
 * changes, and an attacker without the key can neither test guesses against it nor forge one, so
 * its length is about accidental collisions between two versions of one secret: at 2^-128 that
 * never happens. 128 bits is also half the hash output, the shortest truncation RFC 2104 (§5)
 * recommends, and well above NIST SP 800-107's floor. Shorter would save nothing worth having;
 * longer would only put more key-derived bytes into every image's history.
 */
export const KEYED_REV_BITS = 128;

/** The shortest cache key accepted, in bytes (128 bits): a guessable key would let anyone test guesses of the value. */
export const MIN_CACHE_KEY_BYTES = 16;

/** Separates our HMAC inputs from any other use of the same key; bump with the rev format. */
const DOMAIN = 'buildsecrets/cache-rev/v1';

/** What a keyed rev looks like in `docker history`: `hmac-sha256-128:` and 32 hex digits. */
export const KEYED_REV_PATTERN = /^hmac-sha256-128:[0-9a-f]{32}$/;

/**
 * The keyed cache rev of one secret: HMAC-SHA-256 under `key` of the domain, the secret id and the
 * value (NUL-separated), truncated to {@link KEYED_REV_BITS} bits, as `hmac-sha256-128:<hex>`.
 * The id is part of the input so two secrets holding the same value get unrelated revs (the image
 * history does not reveal that they are equal). The value and key bytes are wiped after use.
 *
 * @example
 * ```ts
 * keyedRev('npm_token', value, cacheKey); // 'hmac-sha256-128:3f0c…' (32 hex digits)
 * ```
 */
export function keyedRev(secretId: string, value: SecretValue, key: SecretValue): string {
  const keyBytes = key.reveal();
  const valueBytes = value.reveal();
  try {
    const mac = createHmac('sha256', keyBytes).update(`${DOMAIN}\u0000${secretId}\u0000`, 'utf8').update(valueBytes).digest();
    return `hmac-sha256-128:${mac.subarray(0, KEYED_REV_BITS / 8).toString('hex')}`;
  } finally {
    keyBytes.fill(0);
    valueBytes.fill(0);
  }
}
