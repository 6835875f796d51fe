import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcpTestStsServer, type GcpTestStsServer } from './sts-token-server.js';
import { createGcpTestOidcIssuer } from './test-oidc-issuer.js';
import { GCP_CLOUD_PLATFORM_SCOPE } from './test-credentials.js';

// The test STS must refuse what sts.googleapis.com refuses, or the provider test that goes
// through it would pass with any ID token.
let sts: GcpTestStsServer;
const idAudience = (): string => `https://iam.googleapis.com/${sts.audience.replace('//iam.googleapis.com/', '')}`;

async function exchange(subjectToken: string, overrides: Record<string, string> = {}): Promise<{ status: number; body: { access_token?: string; error?: string } }> {
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    audience: sts.audience,
    scope: GCP_CLOUD_PLATFORM_SCOPE,
    requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    subject_token: subjectToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    ...overrides,
  });
  const res = await fetch(sts.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string } };
}

beforeAll(async () => {
  sts = await startGcpTestStsServer();
});
afterAll(() => sts.close());

describe('the GCP test STS (workload identity federation token exchange)', () => {
  it('exchanges a valid ID token for an access token that verifyAccessToken accepts', async () => {
    const { status, body } = await exchange(sts.issuer.mint(idAudience()));
    expect(status).toBe(200);
    expect(sts.verifyAccessToken(body.access_token ?? '')).toBeUndefined();
  });

  it.each([
    ['an ID token for another audience', () => sts.issuer.mint('https://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/x/providers/y'), 'sts: subject token wrong audience'],
    ['an ID token signed by another issuer’s key', () => createGcpTestOidcIssuer(sts.issuer.issuer).mint(idAudience()), 'sts: subject token unknown key id'],
    ['an expired ID token', () => sts.issuer.mint(idAudience(), { issuedAt: Math.floor(Date.now() / 1000) - 900, lifetimeSeconds: 300 }), 'sts: subject token expired'],
    ['an ID token valid for more than an hour', () => sts.issuer.mint(idAudience(), { lifetimeSeconds: 7200 }), 'sts: subject token bad lifetime'],
    ['a tampered ID token', () => { const [h, , s] = sts.issuer.mint(idAudience()).split('.'); return `${h}.${Buffer.from(JSON.stringify({ iss: sts.issuer.issuer, aud: idAudience(), iat: 0, exp: 9e9 })).toString('base64url')}.${s}`; }, 'sts: subject token bad signature'],
  ])('refuses %s (invalid_grant)', async (_what, token, reason) => {
    const { status, body } = await exchange(token());
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_grant', error_description: 'The request was refused.' });
    expect(sts.refusals.at(-1)).toBe(reason);
  });

  it('refuses a wrong grant type, audience or scope', async () => {
    const token = sts.issuer.mint(idAudience());
    expect((await exchange(token, { grant_type: 'client_credentials' })).body.error).toBe('unsupported_grant_type');
    expect((await exchange(token, { audience: '//iam.googleapis.com/other' })).body.error).toBe('invalid_target');
    expect((await exchange(token, { scope: 'openid' })).body.error).toBe('invalid_scope');
  });

  it('hands ID tokens only to a caller with the request token', async () => {
    expect((await fetch(sts.oidcUrl, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const ok = await fetch(sts.oidcUrl, { headers: { authorization: `Bearer ${sts.oidcRequestToken}` } });
    expect(ok.status).toBe(200);
  });

  it('refuses access tokens it did not issue, and expired ones', async () => {
    expect(sts.verifyAccessToken('ya29.made-up')).toBe('not issued by the token endpoint');
    const short = await startGcpTestStsServer({ accessTokenLifetimeSeconds: 0 });
    try {
      const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', audience: short.audience, scope: GCP_CLOUD_PLATFORM_SCOPE, requested_token_type: 'urn:ietf:params:oauth:token-type:access_token', subject_token: short.issuer.mint(`https://iam.googleapis.com/${short.audience.replace('//iam.googleapis.com/', '')}`), subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' });
      const body = (await (await fetch(short.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })).json()) as { access_token: string };
      expect(short.verifyAccessToken(body.access_token)).toBe('expired');
    } finally {
      await short.close();
    }
  });
});
