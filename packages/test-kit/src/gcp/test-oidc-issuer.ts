import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * An OIDC identity provider for tests, standing in for the one a CI system runs (GitHub Actions'
 * `token.actions.githubusercontent.com`): it signs RS256 ID tokens that a workload identity pool
 * (the test STS endpoint) then verifies with its public key.
 */
export interface GcpTestOidcIssuer {
  /** The `iss` claim of every token it mints. */
  readonly issuer: string;
  /** The `kid` of its signing key. */
  readonly keyId: string;
  /** PEM public key (what the workload identity pool is configured with). */
  readonly publicKeyPem: string;
  /** Sign an ID token for `audience`, valid for `lifetimeSeconds` (default 300) from `issuedAt` (default now). */
  mint(audience: string, options?: { subject?: string; lifetimeSeconds?: number; issuedAt?: number }): string;
}

const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Make a fresh issuer with its own RSA key (2048 bits). */
export function createGcpTestOidcIssuer(issuer = 'https://token.actions.githubusercontent.com'): GcpTestOidcIssuer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomBytes(8).toString('hex');
  return {
    issuer,
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    mint(audience, options = {}) {
      const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
      const head = b64url({ alg: 'RS256', typ: 'JWT', kid: keyId });
      const body = b64url({ iss: issuer, aud: audience, sub: options.subject ?? 'repo:example/app:ref:refs/heads/main', iat, nbf: iat, exp: iat + (options.lifetimeSeconds ?? 300) });
      return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
    },
  };
}

/**
 * Verify an ID token the way a workload identity pool provider does: RS256 under the issuer's key
 * (`kid` must name it), `iss` equal to the issuer, `aud` equal to the pool provider's audience,
 * `iat` not in the future (5 min skew) and `exp` in the future, at most one hour apart.
 * Returns why it is refused, or `undefined` when accepted.
 */
export function verifyOidcToken(token: string, issuer: Pick<GcpTestOidcIssuer, 'issuer' | 'keyId' | 'publicKeyPem'>, audience: string, now = Date.now()): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return 'not a JWT';
  let header: { alg?: string; kid?: string };
  let claims: { iss?: string; aud?: string | string[]; iat?: number; exp?: number };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'malformed JWT';
  }
  if (header.alg !== 'RS256') return 'alg must be RS256';
  if (header.kid !== issuer.keyId) return 'unknown key id';
  const key: KeyObject = createPublicKey(issuer.publicKeyPem);
  if (!verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2]!, 'base64url'))) return 'bad signature';
  if (claims.iss !== issuer.issuer) return 'wrong issuer';
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(audience)) return 'wrong audience';
  const seconds = Math.floor(now / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) return 'expired';
  if (typeof claims.iat !== 'number' || claims.iat > seconds + 300 || claims.exp - claims.iat > 3600) return 'bad lifetime';
  return undefined;
}
