/**
 * How requests to one registry are authorised: the `/v2/` ping tells the scheme (none, Basic or
 * Bearer). Basic sends the credentials; Bearer trades them (or nothing, anonymously) at the realm's
 * token endpoint for a token per scope (`repository:R:pull`), cached until shortly before it
 * expires. Credentials are looked up lazily, once, and never appear in an error.
 */
import type { AuthChallenge } from './auth-challenge.js';
import type { RegistryCredentials } from './docker-credentials.js';
import { RegistryAuthenticationError, RegistryPermissionError, RegistryUnavailableError } from './registry-errors.js';
import type { RegistryHttp } from './registry-http.js';
import { readJson } from './read-body.js';

interface CachedToken {
  readonly header: string;
  readonly expiresAt: number;
}

/** Tokens live at least 60 s unless the server says otherwise (distribution's token spec). */
const DEFAULT_TOKEN_SECONDS = 60;
const EXPIRY_SLACK_MS = 10_000;

export class RegistryAuth {
  private readonly tokens = new Map<string, CachedToken>();
  private credentials: Promise<RegistryCredentials | undefined> | undefined;

  constructor(
    private readonly http: RegistryHttp,
    /** The registry as written in the reference (for messages). */
    private readonly registry: string,
    private readonly lookupCredentials: () => Promise<RegistryCredentials | undefined>,
  ) {}

  private creds(): Promise<RegistryCredentials | undefined> {
    this.credentials ??= this.lookupCredentials();
    return this.credentials;
  }

  /** Whether credentials were found (for the hint of a 401). */
  async hasCredentials(): Promise<boolean> {
    return (await this.creds()) !== undefined;
  }

  /** Forget the token for `scope` (after a 401 with it). */
  invalidate(scope: string): void {
    this.tokens.delete(scope);
  }

  /** The Authorization header value for `scope` under `challenge`, or undefined for anonymous access. */
  async authorization(challenge: AuthChallenge | undefined, scope: string, secureOrigin: boolean, signal: AbortSignal): Promise<string | undefined> {
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const creds = await this.creds();
      if (!creds) return undefined;
      if (creds.isIdentityToken) throw new RegistryAuthenticationError(`${this.registry} asks for a password, but the docker config holds an identity token for it`, { hint: 'docker login again with a username and password' });
      return `Basic ${Buffer.from(`${creds.username}:${creds.secret}`).toString('base64')}`;
    }
    if (challenge.scheme !== 'bearer') throw new RegistryAuthenticationError(`${this.registry} asks for "${challenge.scheme}" authentication, which is not supported (Basic and Bearer are)`);
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > Date.now()) return cached.header;
    const token = await this.fetchToken(challenge, scope, secureOrigin, signal);
    this.tokens.set(scope, token);
    return token.header;
  }

  private async fetchToken(challenge: AuthChallenge, scope: string, secureOrigin: boolean, signal: AbortSignal): Promise<CachedToken> {
    const realm = challenge.params['realm'];
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch {
      throw new RegistryAuthenticationError(`${this.registry} sent a bearer challenge without a usable realm`);
    }
    // Credentials go to the realm; never downgrade them to plain HTTP from an HTTPS registry.
    if (url.protocol !== 'https:' && (url.protocol !== 'http:' || secureOrigin)) {
      throw new RegistryAuthenticationError(`${this.registry} names a token service over ${url.protocol.replace(':', '')} (${url.host}); refused`);
    }
    const creds = await this.creds();
    const service = challenge.params['service'];
    let response;
    if (creds?.isIdentityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.secret, client_id: 'buildsecrets', scope, ...(service ? { service } : {}) });
      response = await this.http.send('POST', url, { 'Content-Type': 'application/x-www-form-urlencoded' }, undefined, signal, form.toString());
    } else {
      if (service) url.searchParams.set('service', service);
      url.searchParams.set('scope', scope);
      const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.secret}`).toString('base64')}` : undefined;
      response = await this.http.send('GET', url, {}, basic, signal);
    }
    if (response.status === 401) {
      response.body.resume();
      throw new RegistryAuthenticationError(`the token service of ${this.registry} (${url.host}) refused ${creds ? 'the credentials' : 'anonymous access'}`, { status: 401, hint: creds ? 'check the credentials (docker login)' : 'log in first (docker login), or check the repository name' });
    }
    if (response.status === 403) {
      response.body.resume();
      throw new RegistryPermissionError(`the token service of ${this.registry} denied ${scope}`, { status: 403 });
    }
    if (response.status !== 200) {
      response.body.resume();
      throw new RegistryUnavailableError(`the token service of ${this.registry} answered HTTP ${response.status}`, { status: response.status, retryable: response.status === 429 || response.status >= 500 });
    }
    const body = (await readJson(response.body, 1 << 20, `token reply from ${url.host}`)) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof body.token === 'string' && body.token ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
    if (!token) throw new RegistryAuthenticationError(`the token service of ${this.registry} sent no token`);
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    return { header: `Bearer ${token}`, expiresAt: Date.now() + Math.max(0, seconds * 1000 - EXPIRY_SLACK_MS) };
  }
}
