import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes: 256 bits, as the served-file contract promises. */
const TOKEN_BYTES = 32;

/** A fresh per-run bearer token (base64url, 43 characters). */
export function newAccessToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * A checker for one token. Both sides are hashed first, so the comparison always runs over two
 * equal-length digests: a presented token of the wrong length costs the same as a near miss and
 * tells a prober nothing about the real length.
 */
export function tokenChecker(token: string): (presented: string | undefined) => boolean {
  const expected = createHash('sha256').update(token, 'utf8').digest();
  return (presented) => {
    const candidate = createHash('sha256').update(presented ?? '', 'utf8').digest();
    const same = timingSafeEqual(candidate, expected);
    return same && presented !== undefined;
  };
}

/** The token from an `Authorization: Bearer <token>` header, or undefined for any other shape. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec(header);
  return match?.[1];
}
