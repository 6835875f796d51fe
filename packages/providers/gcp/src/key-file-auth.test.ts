// First: makes the test CA grpc-js's default trust root before grpc-js loads.
import { testTls as tls, testTlsDir } from './__fixtures__/trusted-test-tls.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGcpTestServiceAccount,
  startGcpSecretManagerTestServer,
  type GcpSecretManagerTestServer,
  type GcpTestServiceAccount,
} from '@buildsecrets/test-kit';
import { CANARIES } from '../../../../test/setup/canary-values.js';
import { assertNoLeak, makeProvider, resolveAll } from './__fixtures__/harness.js';

// The provider's real credential path, offline: a service-account key file → the client library
// signs a JWT with its private key → TLS (trusting a private test CA) → a server that, like
// Google's, refuses any call without a valid `authorization: Bearer` token.
const dir = mkdtempSync(join(tmpdir(), 'bs-gcp-keyfile-'));

let server: GcpSecretManagerTestServer;
let account: GcpTestServiceAccount;
let stranger: GcpTestServiceAccount;
/** How far the server's clock is ahead of the client's (ms): moves the token past its lifetime. */
let serverClockAheadMs = 0;

function keyFile(name: string, content: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  return file;
}

beforeAll(async () => {
  account = createGcpTestServiceAccount('key-project', 'ci-reader');
  stranger = createGcpTestServiceAccount('key-project', 'stranger');
  server = await startGcpSecretManagerTestServer({ projectId: 'key-project', tls, serviceAccounts: [account], now: () => Date.now() + serverClockAheadMs });
  server.addVersion('token', CANARIES.provider);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(testTlsDir, { recursive: true, force: true });
});

describe('gcp provider: service-account key file → signed JWT → TLS call (offline)', () => {
  it('a TLS server hands out no insecure provider options', () => {
    expect(server.providerOptions).not.toHaveProperty('insecure');
  });

  it('resolves with a key file: the call carries a bearer JWT the server verified against the key', async () => {
    const before = server.unauthenticated;
    const { provider } = await makeProvider(server, { keyFilename: keyFile('good.json', account.keyFile) });
    const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
    await provider.dispose();
    expect(r?.ok && r.value.revealString() === CANARIES.provider).toBe(true);
    expect(server.requests.at(-1)).toBe('projects/key-project/secrets/token/versions/latest');
    expect(server.unauthenticated).toBe(before);
  });

  it('a key the server does not know → AuthenticationError (UNAUTHENTICATED), no value', async () => {
    const before = server.unauthenticated;
    const { provider } = await makeProvider(server, { keyFilename: keyFile('stranger.json', stranger.keyFile) });
    const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
    await provider.dispose();
    expect(r?.ok).toBe(false);
    expect(!r?.ok && r?.error.code).toBe('AUTHENTICATION_FAILED');
    expect(server.unauthenticated).toBe(before + 1);
  });

  it('a key file whose private key does not match its key id (a forged signature) is refused', async () => {
    const forged = { ...stranger.keyFile, private_key_id: account.privateKeyId, client_email: account.clientEmail };
    const before = server.unauthenticated;
    const { provider } = await makeProvider(server, { keyFilename: keyFile('forged.json', forged) });
    const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
    await provider.dispose();
    expect(r?.ok).toBe(false);
    expect(server.unauthenticated).toBe(before + 1);
    expect(server.refusals.at(-1)).toBe('bad signature');
  });

  it('a call without credentials (plain client, no token) is refused by the server', async () => {
    const grpc = await import('@grpc/grpc-js');
    const { loadSecretManagerService } = await import('../../../test-kit/src/gcp/load-service.js');
    const Service = grpc.makeGenericClientConstructor(await loadSecretManagerService(), 'SecretManagerService');
    const client = new Service(`127.0.0.1:${server.port}`, grpc.credentials.createSsl(Buffer.from(tls.caCert)));
    const error = await new Promise<{ code?: number }>((resolve) =>
      (client as unknown as { accessSecretVersion(req: object, cb: (e: { code?: number } | null) => void): void }).accessSecretVersion({ name: 'projects/key-project/secrets/token/versions/latest' }, (e) => resolve(e ?? {})),
    );
    client.close();
    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
  });
});

/** Resolve `token` with GOOGLE_APPLICATION_CREDENTIALS naming a key file (ADC), as a CI job sets it. */
async function resolveWithAdc(file: string): Promise<Awaited<ReturnType<typeof resolveAll>>[number]> {
  const saved = process.env['GOOGLE_APPLICATION_CREDENTIALS'];
  process.env['GOOGLE_APPLICATION_CREDENTIALS'] = file;
  try {
    const { provider, logs } = await makeProvider(server);
    const [r] = await resolveAll(provider, [{ id: 'token', ref: 'token' }]);
    await provider.dispose();
    assertNoLeak([logs.join('\n'), !r?.ok && r?.error], [CANARIES.provider]);
    return r;
  } finally {
    if (saved === undefined) delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    else process.env['GOOGLE_APPLICATION_CREDENTIALS'] = saved;
    serverClockAheadMs = 0;
  }
}

// The client library self-signs for a key file (google-auth-library JWT#getRequestMetadataAsync:
// the Secret Manager client sets `useJWTAccessWithScope`, so no token endpoint is ever asked):
// key file → JWT signed with its private key → bearer on the TLS call, all offline.
describe('gcp provider: GOOGLE_APPLICATION_CREDENTIALS key file → self-signed JWT → TLS call (offline)', () => {
  it('the bearer is an RS256 JWT under the key id, iss = sub = the account, cloud-platform scope, one hour long', async () => {
    const accepted = server.verifiedJwts.length;
    const r = await resolveWithAdc(keyFile('adc.json', account.keyFile));
    expect(r?.ok && r.value.revealString() === CANARIES.provider).toBe(true);
    expect(server.verifiedJwts.length).toBe(accepted + 1);
    const { header, claims } = server.verifiedJwts.at(-1)!;
    expect(header).toMatchObject({ alg: 'RS256', kid: account.privateKeyId });
    expect(claims).toMatchObject({ iss: account.clientEmail, sub: account.clientEmail, scope: 'https://www.googleapis.com/auth/cloud-platform' });
    const iat = claims['iat'] as number;
    expect(Math.abs(iat - Date.now() / 1000)).toBeLessThan(60);
    expect(claims['exp']).toBe(iat + 3600);
  });

  it('a token the server finds expired is refused → AuthenticationError (UNAUTHENTICATED), no value', async () => {
    const before = server.unauthenticated;
    serverClockAheadMs = 3_601_000;
    const r = await resolveWithAdc(keyFile('adc-late.json', account.keyFile));
    expect(r?.ok).toBe(false);
    expect(!r?.ok && r?.error.code).toBe('AUTHENTICATION_FAILED');
    expect(server.unauthenticated).toBe(before + 1);
    expect(server.refusals.at(-1)).toBe('expired');
  });

  it('a token issued in the server\'s future (client clock ahead) is refused, no value', async () => {
    serverClockAheadMs = -400_000;
    const r = await resolveWithAdc(keyFile('adc-early.json', account.keyFile));
    expect(r?.ok).toBe(false);
    expect(!r?.ok && r?.error.code).toBe('AUTHENTICATION_FAILED');
    expect(server.refusals.at(-1)).toBe('bad lifetime');
  });

  it('a key file whose private key is not the one the server knows for its key id is refused: the signature is checked', async () => {
    const r = await resolveWithAdc(keyFile('adc-forged.json', { ...stranger.keyFile, private_key_id: account.privateKeyId, client_email: account.clientEmail }));
    expect(r?.ok).toBe(false);
    expect(!r?.ok && r?.error.code).toBe('AUTHENTICATION_FAILED');
    expect(server.refusals.at(-1)).toBe('bad signature');
  });
});
