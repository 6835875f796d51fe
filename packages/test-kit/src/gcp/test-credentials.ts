import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A service account for the GCP test server: the JSON key file a user would download, and what the server checks. */
export interface GcpTestServiceAccount {
  /** The key file's content (`type: service_account`), to write where `keyFilename` points. */
  readonly keyFile: Readonly<Record<string, string>>;
  /** `client_email`: the JWT's `iss` and `sub` must name it. */
  readonly clientEmail: string;
  /** `private_key_id`: the JWT header's `kid` must name it. */
  readonly privateKeyId: string;
  /** PEM public key the server verifies signatures with. */
  readonly publicKeyPem: string;
}

/** Make a fresh RSA service account key (2048 bits), shaped like the ones the Cloud console hands out. */
export function createGcpTestServiceAccount(projectId = 'test-project', name = 'buildsecrets-test'): GcpTestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `${name}@${projectId}.iam.gserviceaccount.com`;
  const privateKeyId = randomBytes(20).toString('hex');
  return {
    keyFile: {
      type: 'service_account',
      project_id: projectId,
      private_key_id: privateKeyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: String(100_000_000_000_000_000_000n + BigInt(`0x${randomBytes(6).toString('hex')}`)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
      universe_domain: 'googleapis.com',
    },
    clientEmail,
    privateKeyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A private test CA and a server certificate it signed for 127.0.0.1 / localhost. */
export interface GcpTestTls {
  /** PEM of the CA: what the client must trust (for grpc-js: GRPC_DEFAULT_SSL_ROOTS_FILE_PATH). */
  readonly caCert: string;
  /** PEM certificate of the server (SAN IP:127.0.0.1, DNS:localhost), signed by the CA. */
  readonly serverCert: string;
  /** PEM private key of the server certificate. */
  readonly serverKey: string;
}

/**
 * Make a throwaway CA and a server certificate (SAN IP:127.0.0.1, DNS:localhost) with the
 * `openssl` CLI (node:crypto cannot issue certificates). Nothing is kept on disk.
 */
export function createGcpTestTls(): GcpTestTls {
  const dir = mkdtempSync(join(tmpdir(), 'bs-gcp-tls-'));
  const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=buildsecrets test CA']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
    run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    return { caCert: read('ca.pem'), serverCert: read('server.pem'), serverKey: read('server.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const base64url = (part: string): Buffer => Buffer.from(part, 'base64url');

/** The OAuth scope Secret Manager clients ask for. */
export const GCP_CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * Check a bearer token the way Google's front end checks a service account's self-signed JWT
 * (what the client library sends for a key file): RS256, `kid` naming a known key, the signature
 * valid under that account's public key, `iss` = `sub` = the account's email, `exp` in the future,
 * at most one hour of validity, and either the cloud-platform scope or an https audience.
 * Returns why it is refused, or `undefined` when it is accepted.
 */
export function verifyServiceAccountJwt(token: string, accounts: readonly GcpTestServiceAccount[], now = Date.now()): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return 'not a JWT';
  let header: { alg?: string; kid?: string; typ?: string };
  let claims: { iss?: string; sub?: string; exp?: number; iat?: number; scope?: string; aud?: string };
  try {
    header = JSON.parse(base64url(parts[0]!).toString('utf8')) as typeof header;
    claims = JSON.parse(base64url(parts[1]!).toString('utf8')) as typeof claims;
  } catch {
    return 'malformed JWT';
  }
  if (header.alg !== 'RS256') return 'alg must be RS256';
  const account = accounts.find((a) => a.privateKeyId === header.kid);
  if (!account) return 'unknown key id';
  const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), createPublicKey(account.publicKeyPem), base64url(parts[2]!));
  if (!signed) return 'bad signature';
  if (claims.iss !== account.clientEmail || claims.sub !== account.clientEmail) return 'iss/sub do not name the key owner';
  const seconds = Math.floor(now / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) return 'expired';
  if (typeof claims.iat !== 'number' || claims.iat > seconds + 300 || claims.exp - claims.iat > 3600) return 'bad lifetime';
  const scoped = (claims.scope ?? '').split(' ').includes(GCP_CLOUD_PLATFORM_SCOPE);
  if (!scoped && !(claims.aud ?? '').startsWith('https://')) return 'no scope or audience';
  return undefined;
}
