// First: makes the test CA grpc-js's default trust root before grpc-js loads.
import { testTls as tls, testTlsDir } from './__fixtures__/trusted-test-tls.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGcpSecretManagerTestServer,
  startGcpTestStsServer,
  type GcpSecretManagerTestServer,
  type GcpTestStsServer,
} from '@buildsecrets/test-kit';
import { makeCanary } from '../../../../test/setup/canary-values.js';
import { assertNoLeak, makeProvider, resolveAll } from './__fixtures__/harness.js';

// The credential path a GitHub-Actions-to-GCP job runs (workload identity federation), offline:
// an `external_account` credential file → the client library fetches the job's OIDC ID token →
// exchanges it at the `token_url` (a local STS that verifies the token's RS256 signature, issuer,
// audience and lifetime) → calls Secret Manager over TLS with the access token it got back. The
// Secret Manager test server accepts only tokens that STS issued.
//
// (A service-account key file cannot be tested this way: google-auth-library signs its own JWT for
// the call and, when it does exchange one, posts to a hard-coded oauth2.googleapis.com — it never
// reads the key file's `token_uri`. key-file-auth.test.ts covers that path's self-signed JWT.)
const dir = mkdtempSync(join(tmpdir(), 'bs-gcp-wif-'));
const value = makeCanary('gcp-wif');

let sts: GcpTestStsServer;
let server: GcpSecretManagerTestServer;

function credentialFile(name: string, content: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  return file;
}

beforeAll(async () => {
  sts = await startGcpTestStsServer();
  server = await startGcpSecretManagerTestServer({ projectId: 'wif-project', tls, accessTokens: (t) => sts.verifyAccessToken(t) });
  server.addVersion('token', value);
});
afterAll(async () => {
  await server.close();
  await sts.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(testTlsDir, { recursive: true, force: true });
});

describe('gcp provider: workload identity federation (external_account → OIDC token → STS → call), offline', () => {
  it('resolves with an external_account file: the STS verified the ID token and the call carried the token it issued', async () => {
    const issuedBefore = sts.issued;
    const refusedBefore = server.unauthenticated;
    const { provider, logs } = await makeProvider(server, { keyFilename: credentialFile('wif.json', sts.externalAccountFile()) });
    const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
    await provider.dispose();
    expect(r?.ok && r.value.revealString() === value).toBe(true);
    expect(sts.issued).toBe(issuedBefore + 1);
    expect(server.unauthenticated).toBe(refusedBefore);
    expect(server.requests.at(-1)).toBe('projects/wif-project/secrets/token/versions/latest');
    assertNoLeak(logs, [value]);
  });

  it('reads the same file through GOOGLE_APPLICATION_CREDENTIALS (how google-github-actions/auth hands it over)', async () => {
    const issuedBefore = sts.issued;
    const saved = process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = credentialFile('adc.json', sts.externalAccountFile());
    try {
      const { provider } = await makeProvider(server);
      const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
      await provider.dispose();
      expect(r?.ok && r.value.revealString() === value).toBe(true);
      expect(sts.issued).toBe(issuedBefore + 1);
    } finally {
      if (saved === undefined) delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
      else process.env['GOOGLE_APPLICATION_CREDENTIALS'] = saved;
    }
  });

  it('an ID token for another pool is refused by the STS → typed authentication error, no call, no value', async () => {
    const issuedBefore = sts.issued;
    const calls = server.count();
    const { provider } = await makeProvider(server, { keyFilename: credentialFile('other-pool.json', sts.externalAccountFile({ audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/other/providers/x' })) });
    const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
    await provider.dispose();
    expect(r?.ok).toBe(false);
    expect(!r?.ok && r?.error.code).toBe('AUTHENTICATION_FAILED');
    expect(sts.issued).toBe(issuedBefore);
    expect(sts.refusals.at(-1)).toBe('sts: audience');
    expect(server.count()).toBe(calls);
    assertNoLeak([!r?.ok && r?.error], [value]);
  });

  it('a job without the right OIDC request token gets no ID token → typed authentication error', async () => {
    const { provider } = await makeProvider(server, { keyFilename: credentialFile('no-oidc.json', sts.externalAccountFile({ requestToken: 'wrong' })) });
    const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
    await provider.dispose();
    expect(r?.ok).toBe(false);
    expect(!r?.ok && r?.error.code).toBe('AUTHENTICATION_FAILED');
    expect(sts.refusals.at(-1)).toBe('oidc: bad request token');
  });

  it('the Secret Manager server refuses a bearer token the STS never issued', async () => {
    const grpc = await import('@grpc/grpc-js');
    const { loadSecretManagerService } = await import('../../../test-kit/src/gcp/load-service.js');
    const Service = grpc.makeGenericClientConstructor(await loadSecretManagerService(), 'SecretManagerService');
    const forged = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', 'Bearer ya29.bs-test-never-issued');
      callback(null, metadata);
    });
    const client = new Service(`127.0.0.1:${server.port}`, grpc.credentials.combineChannelCredentials(grpc.credentials.createSsl(Buffer.from(tls.caCert)), forged));
    const before = server.unauthenticated;
    const error = await new Promise<{ code?: number }>((resolve) =>
      (client as unknown as { accessSecretVersion(req: object, cb: (e: { code?: number } | null) => void): void }).accessSecretVersion({ name: 'projects/wif-project/secrets/token/versions/latest' }, (e) => resolve(e ?? {})),
    );
    client.close();
    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(server.unauthenticated).toBe(before + 1);
  });
});
