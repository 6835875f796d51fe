import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGcpTestOidcIssuer, verifyOidcToken, type GcpTestOidcIssuer } from './test-oidc-issuer.js';
import { GCP_CLOUD_PLATFORM_SCOPE } from './test-credentials.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/**
 * Workload identity federation on loopback, the way a GitHub-Actions-to-GCP job authenticates:
 * an OIDC endpoint that hands a CI job its ID token (GitHub's `ACTIONS_ID_TOKEN_REQUEST_URL`,
 * behind a request bearer token), and a Security Token Service (`sts.googleapis.com/v1/token`)
 * that exchanges a verified ID token for an access token. Secret Manager test servers accept only
 * access tokens this server issued ({@link GcpTestStsServer.verifyAccessToken}).
 */
export interface GcpTestStsServer {
  /** `http://127.0.0.1:<port>/v1/token`: the `token_url` of an `external_account` credential file. */
  readonly tokenUrl: string;
  /** `http://127.0.0.1:<port>/oidc/token`: where the CI job fetches its ID token. */
  readonly oidcUrl: string;
  /** The request token the OIDC endpoint demands (GitHub's `ACTIONS_ID_TOKEN_REQUEST_TOKEN`). */
  readonly oidcRequestToken: string;
  /** The workload identity pool provider (`//iam.googleapis.com/projects/…/providers/…`): the STS `audience`. */
  readonly audience: string;
  /** The OIDC issuer whose ID tokens the pool trusts. */
  readonly issuer: GcpTestOidcIssuer;
  /**
   * An `external_account` credential file (what `google-github-actions/auth` writes and points
   * GOOGLE_APPLICATION_CREDENTIALS at): its ID token comes from {@link oidcUrl}, exchanged at {@link tokenUrl}.
   */
  externalAccountFile(overrides?: { requestToken?: string; audience?: string }): Record<string, unknown>;
  /** `undefined` when `token` is an unexpired access token this server issued, else why it is refused. */
  verifyAccessToken(token: string): string | undefined;
  /** Token exchanges answered with an access token. */
  readonly issued: number;
  /** Requests refused (by either endpoint), with the reason, in order. */
  readonly refusals: readonly string[];
  close(): Promise<void>;
}

/** Options of {@link startGcpTestStsServer}. */
export interface GcpTestStsServerOptions {
  /** Lifetime of issued access tokens (default 3600 s). */
  readonly accessTokenLifetimeSeconds?: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body.length < 65_536 ? (body += chunk) : req.destroy()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Start the OIDC + STS endpoints on 127.0.0.1 (plain HTTP: loopback only). */
export async function startGcpTestStsServer(options: GcpTestStsServerOptions = {}): Promise<GcpTestStsServer> {
  const issuer = createGcpTestOidcIssuer();
  const oidcRequestToken = randomBytes(16).toString('hex');
  const pool = 'projects/123456789/locations/global/workloadIdentityPools/ci-pool/providers/github';
  const audience = `//iam.googleapis.com/${pool}`;
  // What the pool provider accepts as the ID token's `aud` (GitHub's default for google-github-actions/auth).
  const idTokenAudience = `https://iam.googleapis.com/${pool}`;
  const lifetime = options.accessTokenLifetimeSeconds ?? 3600;
  const tokens = new Map<string, number>();
  const refusals: string[] = [];
  let issued = 0;

  const reply = (res: ServerResponse, status: number, body: object): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, status: number, reason: string, error = 'invalid_request'): void => {
    refusals.push(reason);
    reply(res, status, { error, error_description: 'The request was refused.' });
  };

  const oidc = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const bearer = /^bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (req.method !== 'GET') return refuse(res, 405, 'oidc: method');
    if (bearer === undefined || !sameSecret(bearer, oidcRequestToken)) return refuse(res, 401, 'oidc: bad request token');
    reply(res, 200, { value: issuer.mint(url.searchParams.get('audience') ?? idTokenAudience) });
  };

  const exchange = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return refuse(res, 405, 'sts: method');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return refuse(res, 400, 'sts: content-type');
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== TOKEN_EXCHANGE) return refuse(res, 400, 'sts: grant_type', 'unsupported_grant_type');
    if (form.get('requested_token_type') !== ACCESS_TOKEN_TYPE) return refuse(res, 400, 'sts: requested_token_type');
    if (form.get('subject_token_type') !== JWT_TOKEN_TYPE) return refuse(res, 400, 'sts: subject_token_type');
    if (form.get('audience') !== audience) return refuse(res, 400, 'sts: audience', 'invalid_target');
    if (!(form.get('scope') ?? '').split(' ').includes(GCP_CLOUD_PLATFORM_SCOPE)) return refuse(res, 400, 'sts: scope', 'invalid_scope');
    const why = verifyOidcToken(form.get('subject_token') ?? '', issuer, idTokenAudience);
    if (why !== undefined) return refuse(res, 400, `sts: subject token ${why}`, 'invalid_grant');
    const token = `ya29.bs-test-${randomBytes(24).toString('base64url')}`;
    tokens.set(token, Date.now() + lifetime * 1000);
    issued++;
    reply(res, 200, { access_token: token, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: lifetime });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/oidc/token') return oidc(req, res, url);
    if (url.pathname === '/v1/token') return void exchange(req, res).catch(() => refuse(res, 400, 'sts: unreadable body'));
    refuse(res, 404, `unknown path ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    tokenUrl: `${base}/v1/token`,
    oidcUrl: `${base}/oidc/token`,
    oidcRequestToken,
    audience,
    issuer,
    externalAccountFile: (overrides = {}) => ({
      type: 'external_account',
      audience: overrides.audience ?? audience,
      subject_token_type: JWT_TOKEN_TYPE,
      token_url: `${base}/v1/token`,
      credential_source: {
        url: `${base}/oidc/token?audience=${encodeURIComponent(idTokenAudience)}`,
        headers: { Authorization: `Bearer ${overrides.requestToken ?? oidcRequestToken}` },
        format: { type: 'json', subject_token_field_name: 'value' },
      },
      universe_domain: 'googleapis.com',
    }),
    verifyAccessToken(token) {
      const expires = tokens.get(token);
      if (expires === undefined) return 'not issued by the token endpoint';
      return expires > Date.now() ? undefined : 'expired';
    },
    get issued() {
      return issued;
    },
    refusals,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
