/**
 * A read-only Registry HTTP API v2 client for one registry: ping and scheme choice, authorisation
 * per repository scope, manifests by content negotiation (verified against their digest) and blobs
 * as verified streams. Every request has a deadline and an idle limit; 429, 5xx and dropped
 * connections are retried with backoff; every failure is a typed error naming the registry, never
 * a credential.
 */
import { createHash } from 'node:crypto';
import { parseChallenges, type AuthChallenge } from './auth-challenge.js';
import { findRegistryCredentials, type RegistryCredentials } from './docker-credentials.js';
import { DOCKER_SCHEMA1, isImageManifestType, isIndexType, MANIFEST_ACCEPT } from './media-types.js';
import { readCapped } from './read-body.js';
import { RegistryAuth } from './registry-auth.js';
import { AbortedError, BuildSecretsError, ImageNotFoundError, RegistryAuthenticationError, RegistryPermissionError, RegistryTlsError, RegistryUnavailableError, DigestMismatchError, UnsupportedManifestError } from './registry-errors.js';
import { RegistryHttp, type RegistryResponse, type RegistryTimeouts } from './registry-http.js';
import { registryTlsOptions, type RegistryTlsSettings } from './registry-tls.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, RetryAfter, withRetries, isRetryable, type RetryPolicy } from './retry-policy.js';
import { verifiedBlob } from './verified-blob.js';

/** How to reach one registry. */
export interface RegistryClientOptions extends RegistryTlsSettings {
  /** Environment for DOCKER_CONFIG/HOME and credential helpers (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** An auth file in docker config.json / containers auth.json form, used instead of the defaults (skopeo's `--authfile`). */
  readonly authFile?: string;
  /** Use these credentials instead of the docker config (`null`: anonymous, never look). */
  readonly credentials?: RegistryCredentials | null;
  readonly timeouts?: Partial<RegistryTimeouts>;
  readonly retry?: Partial<RetryPolicy>;
  /** Connections kept per registry (default 6). */
  readonly maxSockets?: number;
}

/** A manifest or index as the registry sent it. */
export interface FetchedManifest {
  readonly mediaType: string;
  readonly digest: string;
  readonly bytes: Buffer;
  readonly json: Record<string, unknown>;
}

const MAX_MANIFEST_BYTES = 4 << 20;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

function registryErrorCode(body: Buffer): string {
  try {
    const errors = (JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown }[] }).errors ?? [];
    const codes = errors.map((e) => e.code).filter((c): c is string => typeof c === 'string' && /^[A-Z_]{1,40}$/.test(c));
    return codes.length > 0 ? `, ${codes.join(', ')}` : '';
  } catch {
    return '';
  }
}

export class RegistryClient {
  private readonly http: RegistryHttp;
  private readonly auth: RegistryAuth;
  private readonly policy: RetryPolicy;
  private base: Promise<{ url: URL; challenge: AuthChallenge | undefined }> | undefined;

  constructor(
    /** The registry as written in references (`127.0.0.1:5000`, `docker.io`). */
    readonly registry: string,
    /** Where its API lives (`registry-1.docker.io` for Docker Hub). */
    readonly endpoint: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    const env = options.env ?? process.env;
    const timeouts: RegistryTimeouts = { headersMs: options.timeouts?.headersMs ?? 30_000, idleMs: options.timeouts?.idleMs ?? 30_000 };
    this.http = new RegistryHttp(registryTlsOptions(registry, options, env), timeouts, options.maxSockets ?? 6);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const given = options.credentials;
    this.auth = new RegistryAuth(this.http, registry, () => (given !== undefined ? Promise.resolve(given ?? undefined) : findRegistryCredentials(registry, env, options.authFile)));
  }

  /** Close pooled connections. */
  close(): void {
    this.http.close();
  }

  /**
   * GET /v2/ over HTTPS (plain HTTP only for a loopback registry or with --tls-verify=false, as
   * docker and skopeo allow) to learn the base URL and the auth challenge. Cached.
   */
  private ping(signal: AbortSignal): Promise<{ url: URL; challenge: AuthChallenge | undefined }> {
    this.base ??= (async () => {
      const tryScheme = async (scheme: string): Promise<{ url: URL; challenge: AuthChallenge | undefined }> => {
        const url = new URL(`${scheme}://${this.endpoint}/v2/`);
        const res = await withRetries(this.policy, signal, async () => this.checked(await this.http.send('GET', url, {}, undefined, signal), `${this.registry}/v2/`, [200, 401]));
        res.body.resume();
        if (res.status === 200) return { url, challenge: undefined };
        const challenges = parseChallenges(res.headers['www-authenticate']);
        const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic') ?? challenges[0];
        if (!challenge) throw new RegistryAuthenticationError(`${this.registry} answered 401 without a WWW-Authenticate challenge`, { status: 401 });
        return { url, challenge };
      };
      try {
        return await tryScheme('https');
      } catch (err) {
        const insecureAllowed = this.options.verify === false || LOOPBACK.test(this.endpoint);
        // Only a server that does not speak TLS at all is tried over HTTP; a refused certificate stays an error.
        if (!insecureAllowed || !(err instanceof RegistryTlsError && err.kind === 'protocol')) throw err;
        return tryScheme('http');
      }
    })();
    this.base.catch(() => (this.base = undefined));
    return this.base;
  }

  /** Map a status outside `ok` to a typed error (after reading a little of the body for its error code). */
  private async checked(res: RegistryResponse, what: string, ok: readonly number[]): Promise<RegistryResponse> {
    if (ok.includes(res.status)) return res;
    const body = await readCapped(res.body, 64 << 10, 'an error reply').catch(() => Buffer.alloc(0));
    const code = registryErrorCode(body);
    const status = res.status;
    if (status === 401) throw new RegistryAuthenticationError(`${this.registry} refused access to ${what} (HTTP 401${code})`, { status, hint: (await this.auth.hasCredentials()) ? 'check the credentials in the docker config (docker login)' : 'no credentials found for this registry: docker login, or set DOCKER_CONFIG' });
    if (status === 403) throw new RegistryPermissionError(`${this.registry} denied access to ${what} (HTTP 403${code})`, { status });
    if (status === 404) throw new ImageNotFoundError(`${what} was not found (HTTP 404${code})`, { status, hint: 'check the repository, tag or digest' });
    if (status === 429 || status >= 500) throw new RetryAfter(`${this.registry} answered HTTP ${status}${code} for ${what}`, status, parseRetryAfter(res.headers['retry-after']));
    throw new RegistryUnavailableError(`${this.registry} answered HTTP ${status}${code} for ${what}`, { status, retryable: false });
  }

  /** One authorised request for `path` under `/v2/` in `repository`, retried; a stale token is renewed once. */
  private async request(method: 'GET' | 'HEAD', repository: string, path: string, headers: Record<string, string>, what: string, signal: AbortSignal, ok: readonly number[] = [200]): Promise<RegistryResponse> {
    const { url: base, challenge } = await this.ping(signal);
    const url = new URL(path, base);
    const scope = `repository:${repository}:pull`;
    return withRetries(this.policy, signal, async () => {
      for (let renewed = false; ; renewed = true) {
        const authorization = await this.auth.authorization(challenge, scope, base.protocol === 'https:', signal);
        const res = await this.http.send(method, url, headers, authorization, signal);
        if (res.status === 401 && challenge?.scheme === 'bearer' && !renewed) {
          res.body.resume();
          this.auth.invalidate(scope);
          continue;
        }
        return this.checked(res, what, ok);
      }
    });
  }

  /** Fetch a manifest or index by tag or digest, verified against the digest asked for (or the one the registry states). */
  async manifest(repository: string, reference: string, signal: AbortSignal): Promise<FetchedManifest> {
    const what = `manifest ${this.registry}/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
    const res = await this.request('GET', repository, `${repository}/manifests/${reference}`, { Accept: MANIFEST_ACCEPT }, what, signal);
    const bytes = await readCapped(res.body, MAX_MANIFEST_BYTES, what, res.url);
    const stated = String(res.headers['docker-content-digest'] ?? '');
    const expected = reference.includes(':') ? reference : stated.startsWith('sha') ? stated : undefined;
    const algorithm = expected?.split(':')[0] === 'sha512' ? 'sha512' : 'sha256';
    const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (expected !== undefined && expected !== digest) throw new DigestMismatchError(`${what} does not match its digest ${expected}`);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new UnsupportedManifestError(`${what} is not JSON`);
    }
    const header = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    const mediaType = typeof json['mediaType'] === 'string' ? (json['mediaType'] as string) : header;
    if (json['schemaVersion'] === 1 || DOCKER_SCHEMA1.includes(mediaType) || DOCKER_SCHEMA1.includes(header)) {
      throw new UnsupportedManifestError(`${what} is a Docker schema 1 manifest, which the audit cannot read`, { hint: 'push the image again with a current docker, podman or buildah (schema 2 or OCI)' });
    }
    const kind = isIndexType(mediaType) || isImageManifestType(mediaType) ? mediaType : Array.isArray(json['manifests']) ? 'application/vnd.oci.image.index.v1+json' : Array.isArray(json['layers']) ? 'application/vnd.oci.image.manifest.v1+json' : undefined;
    if (!kind) throw new UnsupportedManifestError(`${what} has media type "${mediaType || 'none'}", which is neither an image manifest nor an index`);
    return { mediaType: kind, digest, bytes, json };
  }

  /**
   * Stream the blob `digest` from `repository`, verified against its digest and `size` as it is read;
   * a dropped connection is resumed from the last byte (a Range request) within the retry budget.
   */
  blob(repository: string, digest: string, size: number | undefined, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    const what = `blob ${digest.slice(0, 19)}… of ${this.registry}/${repository}`;
    const open = async (offset: number): Promise<AsyncIterable<Uint8Array>> => {
      const res = await this.request('GET', repository, `${repository}/blobs/${digest}`, offset > 0 ? { Range: `bytes=${offset}-` } : {}, what, signal, [200, 206]);
      if (offset > 0 && res.status === 200) return skip(res.body, offset);
      return res.body;
    };
    const retry = async (err: unknown, attempt: number): Promise<void> => {
      if (signal.aborted) throw new AbortedError('the registry request was cancelled');
      const error = toTyped(err, this.registry, what);
      if (!isRetryable(error) || attempt >= this.policy.retries) throw error;
      await new Promise((r) => setTimeout(r, Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt)));
    };
    return verifiedBlob(digest, size, open, retry, what);
  }

  /** Fetch a small blob (a config) whole, verified. */
  async smallBlob(repository: string, digest: string, size: number | undefined, signal: AbortSignal, limit = 64 << 20): Promise<Buffer> {
    if (size !== undefined && size > limit) throw new UnsupportedManifestError(`config ${digest} is ${size} bytes, more than ${limit}`);
    const chunks: Buffer[] = [];
    for await (const chunk of this.blob(repository, digest, size, signal)) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
}

/** A read error mid-body (ECONNRESET, "aborted", an idle timeout) as a retryable typed error. */
function toTyped(err: unknown, registry: string, what: string): Error {
  if (err instanceof BuildSecretsError) return err;
  return new RegistryUnavailableError(`the connection to ${registry} broke while reading ${what}`, { cause: err });
}

async function* skip(body: AsyncIterable<Uint8Array>, count: number): AsyncGenerator<Uint8Array> {
  let left = count;
  for await (const chunk of body) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}
