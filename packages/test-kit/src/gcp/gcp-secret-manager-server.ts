import * as grpc from '@grpc/grpc-js';
import { crc32cOf } from './crc32c.js';
import { loadSecretManagerService } from './load-service.js';
import type { GcpTestStsServer } from './sts-token-server.js';
import { verifyServiceAccountJwt, type GcpTestServiceAccount, type GcpTestTls } from './test-credentials.js';

/** The state of a test secret version, as Secret Manager names them. */
export type GcpTestVersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

/** gRPC status names the server can inject. */
export type GcpInjectedStatus = 'NOT_FOUND' | 'PERMISSION_DENIED' | 'UNAUTHENTICATED' | 'UNAVAILABLE' | 'RESOURCE_EXHAUSTED' | 'INTERNAL';

/** Options of {@link startGcpSecretManagerTestServer}. */
export interface GcpTestServerOptions {
  /** Project id used by {@link GcpSecretManagerTestServer.addVersion} for short names (default `test-project`). */
  readonly projectId?: string;
  /**
   * Serve over TLS with this certificate ({@link createGcpTestTls}) and, like the real service,
   * demand `authorization: Bearer <token>` on every call: a JWT signed by one of `serviceAccounts`.
   * Without it the server is plain text and unauthenticated (for the provider's `insecure` mode).
   */
  readonly tls?: GcpTestTls;
  /** Service accounts whose self-signed JWTs are accepted (with `tls`). */
  readonly serviceAccounts?: readonly GcpTestServiceAccount[];
  /**
   * Also accept bearer access tokens this verifier vouches for (with `tls`): e.g. a token endpoint's
   * {@link GcpTestStsServer.verifyAccessToken}, so only tokens that endpoint issued get through.
   * Returns why a token is refused, or `undefined` to accept it.
   */
  readonly accessTokens?: (token: string) => string | undefined;
  /**
   * The clock bearer JWTs are checked against, in epoch milliseconds (default `Date.now`): move it
   * to see the server refuse a token that has expired or was issued in the future.
   */
  readonly now?: () => number;
}

/** What the server read from a self-signed bearer JWT it accepted (no signature: nothing to replay). */
export interface GcpVerifiedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A running Google Secret Manager gRPC test server on 127.0.0.1 (plain text). */
export interface GcpSecretManagerTestServer {
  /** `127.0.0.1`. */
  readonly host: string;
  readonly port: number;
  readonly projectId: string;
  /**
   * Options for the `gcp` provider that reach this server: apiEndpoint, port, projectId, and
   * `insecure: true` for a plain-text server (a TLS server leaves it out: credentials are required).
   */
  readonly providerOptions: { apiEndpoint: string; port: number; insecure?: true; projectId: string };
  /** Calls refused for a missing or invalid bearer token (TLS servers only). */
  readonly unauthenticated: number;
  /** Why each refused call was refused (`bad signature`, `expired`, …), in order (TLS servers only). */
  readonly refusals: readonly string[];
  /** Header and claims of each self-signed JWT accepted, in order (TLS servers only). */
  readonly verifiedJwts: readonly GcpVerifiedJwt[];
  /**
   * Add a version to a secret (`name` short, or `projects/<p>[/locations/<l>]/secrets/<s>`).
   * Returns its number; the highest enabled number is what `latest` reads.
   */
  addVersion(secret: string, value: string | Uint8Array, options?: { location?: string }): number;
  /** Disable, destroy or re-enable a version. */
  setVersionState(secret: string, version: number, state: GcpTestVersionState, options?: { location?: string }): void;
  /** Answer every access to one secret with a status (or clear it). */
  failSecret(secret: string, status: GcpInjectedStatus | undefined, options?: { location?: string }): void;
  /** Answer the next `count` calls with a status. */
  failNext(count: number, status: GcpInjectedStatus): void;
  /** Send a wrong `dataCrc32c` in the next `count` answers. */
  corruptNextChecksums(count: number): void;
  /** Delay every answer by `ms` (drives client-side DEADLINE_EXCEEDED). */
  setLatency(ms: number): void;
  /** AccessSecretVersion calls received. */
  count(): number;
  /** Resource names asked for, in order. */
  readonly requests: readonly string[];
  resetCounts(): void;
  close(): Promise<void>;
}

interface StoredVersion {
  readonly data: Buffer;
  state: GcpTestVersionState;
}

interface StoredSecret {
  readonly versions: StoredVersion[];
  failWith?: GcpInjectedStatus;
}

const NAME = /^projects\/([^/]+)\/(?:locations\/([^/]+)\/)?secrets\/([^/]+)\/versions\/([^/]+)$/;

function fault(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

/**
 * Start a server implementing `google.cloud.secretmanager.v1.SecretManagerService/AccessSecretVersion`
 * from the client library's own protos: numbered versions and the `latest` alias, disabled and
 * destroyed versions (FAILED_PRECONDITION), regional names, status injection, wrong checksums and
 * latency. Reach it with the `gcp` provider's `providerOptions`.
 */
export async function startGcpSecretManagerTestServer(options: GcpTestServerOptions = {}): Promise<GcpSecretManagerTestServer> {
  const projectId = options.projectId ?? 'test-project';
  const secrets = new Map<string, StoredSecret>();
  const requests: string[] = [];
  let pending: { count: number; status: GcpInjectedStatus } = { count: 0, status: 'UNAVAILABLE' };
  let corrupt = 0;
  let latencyMs = 0;
  let unauthenticated = 0;
  const refusals: string[] = [];
  const verifiedJwts: GcpVerifiedJwt[] = [];
  const now = options.now ?? Date.now;
  const secure = options.tls !== undefined;
  const accounts = options.serviceAccounts ?? [];

  const keyOf = (secret: string, location?: string): string =>
    secret.startsWith('projects/') ? secret : `projects/${projectId}/${location ? `locations/${location}/` : ''}secrets/${secret}`;

  const access = (name: string): { name: string; payload: { data: Buffer; dataCrc32c: string } } => {
    const m = NAME.exec(name);
    if (!m) throw fault(grpc.status.INVALID_ARGUMENT, 'name must be projects/*/secrets/*/versions/*');
    const [, project, location, secretId, version] = m as unknown as [string, string, string | undefined, string, string];
    const secret = secrets.get(keyOf(`projects/${project}/${location ? `locations/${location}/` : ''}secrets/${secretId}`));
    if (!secret) throw fault(grpc.status.NOT_FOUND, `Secret [${secretId}] not found or has no versions.`);
    if (secret.failWith) throw fault(grpc.status[secret.failWith], `injected ${secret.failWith}`);
    let number: number;
    if (version === 'latest') {
      number = secret.versions.length;
      while (number > 0 && secret.versions[number - 1]!.state !== 'ENABLED') number--;
      if (number === 0) throw fault(grpc.status.NOT_FOUND, 'no enabled version');
    } else number = Number(version);
    const stored = Number.isInteger(number) ? secret.versions[number - 1] : undefined;
    if (!stored) throw fault(grpc.status.NOT_FOUND, `Secret Version [${version}] not found.`);
    if (stored.state !== 'ENABLED') throw fault(grpc.status.FAILED_PRECONDITION, `Secret Version is in ${stored.state} state.`);
    const crc = crc32cOf(stored.data);
    const sent = corrupt > 0 ? (corrupt--, (crc ^ 0x1) >>> 0) : crc;
    return { name: `projects/${project}/${location ? `locations/${location}/` : ''}secrets/${secretId}/versions/${number}`, payload: { data: stored.data, dataCrc32c: String(sent) } };
  };

  // A JWT is a service account's self-signed token; anything else must be an issued access token.
  const verifyBearer = (bearer: string): string | undefined => {
    const parts = bearer.split('.');
    if (parts.length !== 3) return options.accessTokens ? options.accessTokens(bearer) : 'not a JWT';
    const refused = verifyServiceAccountJwt(bearer, accounts, now());
    if (refused === undefined) {
      const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
      verifiedJwts.push({ header: decode(parts[0]!), claims: decode(parts[1]!) });
    }
    return refused;
  };

  const server = new grpc.Server();
  server.addService(await loadSecretManagerService(), {
    accessSecretVersion(call: grpc.ServerUnaryCall<{ name?: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const name = call.request.name ?? '';
      if (secure) {
        const header = String(call.metadata.get('authorization')[0] ?? '');
        const bearer = /^Bearer (\S+)$/.exec(header)?.[1];
        const refused = bearer === undefined ? 'missing bearer token' : verifyBearer(bearer);
        if (refused !== undefined) {
          unauthenticated++;
          refusals.push(refused);
          // The reason stays in the test server; Google answers only that credentials are invalid.
          return callback(fault(grpc.status.UNAUTHENTICATED, 'Request had invalid authentication credentials.'));
        }
      }
      requests.push(name);
      const answer = (): void => {
        if (call.cancelled) return;
        if (pending.count > 0) {
          pending = { ...pending, count: pending.count - 1 };
          return callback(fault(grpc.status[pending.status], `injected ${pending.status}`));
        }
        try {
          callback(null, access(name));
        } catch (err) {
          callback(err as grpc.ServiceError);
        }
      };
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', options.tls ? grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.serverKey), cert_chain: Buffer.from(options.tls.serverCert) }]) : grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );

  const secretAt = (secret: string, location?: string): StoredSecret => {
    const found = secrets.get(keyOf(secret, location));
    if (!found) throw new Error(`no test secret ${secret}`);
    return found;
  };

  return {
    host: '127.0.0.1',
    port,
    projectId,
    providerOptions: secure ? { apiEndpoint: '127.0.0.1', port, projectId } : { apiEndpoint: '127.0.0.1', port, insecure: true, projectId },
    get unauthenticated() {
      return unauthenticated;
    },
    refusals,
    verifiedJwts,
    addVersion(secret, value, opts = {}) {
      const key = keyOf(secret, opts.location);
      const stored = secrets.get(key) ?? { versions: [] };
      secrets.set(key, stored);
      stored.versions.push({ data: Buffer.from(typeof value === 'string' ? Buffer.from(value, 'utf8') : value), state: 'ENABLED' });
      return stored.versions.length;
    },
    setVersionState(secret, version, state, opts = {}) {
      const v = secretAt(secret, opts.location).versions[version - 1];
      if (!v) throw new Error(`no version ${version} of ${secret}`);
      v.state = state;
    },
    failSecret(secret, status, opts = {}) {
      secretAt(secret, opts.location).failWith = status;
    },
    failNext: (count, status) => void (pending = { count, status }),
    corruptNextChecksums: (count) => void (corrupt = count),
    setLatency: (ms) => void (latencyMs = ms),
    count: () => requests.length,
    requests,
    resetCounts: () => void requests.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1_000).unref();
      }),
  };
}
