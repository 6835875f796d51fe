import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGcpTestServiceAccount, GCP_CLOUD_PLATFORM_SCOPE, verifyServiceAccountJwt } from './test-credentials.js';

// The checks Google's front end makes on a service account's self-signed JWT, each shown to refuse
// the token it exists for: the test server is only as strict as this function.
const account = createGcpTestServiceAccount('jwt-project', 'signer');
const other = createGcpTestServiceAccount('jwt-project', 'other');
const NOW = Date.UTC(2026, 0, 1, 12) as number;
const seconds = Math.floor(NOW / 1000);

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function jwt(options: { header?: object; claims?: object; key?: string } = {}): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: account.privateKeyId, ...options.header };
  const claims = { iss: account.clientEmail, sub: account.clientEmail, scope: GCP_CLOUD_PLATFORM_SCOPE, iat: seconds, exp: seconds + 3600, ...options.claims };
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), options.key ?? account.keyFile['private_key']!).toString('base64url')}`;
}

const check = (token: string, now = NOW): string | undefined => verifyServiceAccountJwt(token, [account, other], now);

describe('verifyServiceAccountJwt: a self-signed service-account JWT as Google checks it', () => {
  it('accepts what the client library signs: RS256, kid, iss = sub = the account, cloud-platform scope, one hour', () => {
    expect(check(jwt())).toBeUndefined();
    expect(check(jwt({ claims: { scope: undefined, aud: 'https://secretmanager.googleapis.com/' } }))).toBeUndefined();
  });

  it('refuses a signature made with another key under this key id', () => {
    expect(check(jwt({ key: other.keyFile['private_key']! }))).toBe('bad signature');
  });

  it('refuses claims changed after signing', () => {
    const [h, , s] = jwt().split('.');
    const forged = b64({ iss: other.clientEmail, sub: other.clientEmail, scope: GCP_CLOUD_PLATFORM_SCOPE, iat: seconds, exp: seconds + 3600 });
    expect(check(`${h}.${forged}.${s}`)).toBe('bad signature');
  });

  it('refuses an unsigned token (alg none) and an unknown key id', () => {
    const [, c] = jwt().split('.');
    expect(check(`${b64({ alg: 'none', kid: account.privateKeyId })}.${c}.`)).toBe('alg must be RS256');
    expect(check(jwt({ header: { kid: 'f'.repeat(40) } }))).toBe('unknown key id');
  });

  it('refuses iss/sub naming another account than the key', () => {
    expect(check(jwt({ claims: { iss: other.clientEmail } }))).toBe('iss/sub do not name the key owner');
    expect(check(jwt({ claims: { sub: other.clientEmail } }))).toBe('iss/sub do not name the key owner');
  });

  it('refuses an expired token, one issued in the future and one valid for over an hour', () => {
    expect(check(jwt(), NOW + 3600_000)).toBe('expired');
    expect(check(jwt(), NOW + 3599_000)).toBeUndefined();
    expect(check(jwt({ claims: { exp: undefined } }))).toBe('expired');
    expect(check(jwt(), NOW - 301_000)).toBe('bad lifetime');
    expect(check(jwt({ claims: { exp: seconds + 3601 } }))).toBe('bad lifetime');
  });

  it('refuses a token with neither the cloud-platform scope nor an https audience', () => {
    expect(check(jwt({ claims: { scope: 'https://www.googleapis.com/auth/devstorage.read_only' } }))).toBe('no scope or audience');
    expect(check(jwt({ claims: { scope: undefined, aud: 'http://secretmanager.googleapis.com/' } }))).toBe('no scope or audience');
  });
});
