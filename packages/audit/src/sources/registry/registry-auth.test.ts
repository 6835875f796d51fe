// Auth flows of the docker:// client against a hand-written loopback registry: anonymous, Basic,
// Bearer tokens per scope, credentials from a docker config and from credential helpers.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { tar } from '../../__fixtures__/tar-builder.js';
import { startFakeRegistry, putSimpleImage, type FakeRegistry } from './__fixtures__/fake-registry.js';
import { auditRegistryImage } from './audit-registry-image.js';
import { RegistryCredentials } from './docker-credentials.js';
import { RegistryAuthenticationError } from './registry-errors.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

const PASSWORD = 'pw-Zq8!registry-canary-7731';
const LEAKED = makeCanary('registry-leaked-token');
let dir: string;
let fake: FakeRegistry;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bs-reg-auth-'));
});
afterEach(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

function dockerConfig(content: unknown): Record<string, string> {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
  return { DOCKER_CONFIG: dir, PATH: `${dir}:${process.env['PATH'] ?? ''}` };
}

function basicAuth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

const audit = (ref: string, env: Record<string, string>, extra: object = {}) =>
  auditRegistryImage({ reference: ref, env, secrets: [{ id: 'token', value: SecretValue.from(LEAKED) }], retry: { baseDelayMs: 5, retries: 1 }, ...extra });

async function withImage(auth: 'none' | 'basic' | 'bearer'): Promise<string> {
  fake = await startFakeRegistry({ auth, username: 'alice', password: PASSWORD });
  putSimpleImage(fake, 'team/app', 'v1', tar([{ name: 'etc/token', body: `${LEAKED}\n` }]));
  return `${fake.address}/team/app:v1`;
}

function expectNoPassword(err: unknown): void {
  const text = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''} ${String((err as { cause?: unknown }).cause ?? '')}`;
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(basicAuth('alice', PASSWORD));
}

describe('docker:// auth', () => {
  it('reads a public image anonymously and finds the value in its layer', async () => {
    const ref = await withImage('none');
    const report = await audit(ref, dockerConfig({}));
    expect(report.findings).toEqual([expect.objectContaining({ secretId: 'token', encoding: 'raw', location: expect.objectContaining({ kind: 'layer', path: 'etc/token' }) })]);
    expect(fake.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('sends Basic credentials from the docker config (auths.<host>.auth)', async () => {
    const ref = await withImage('basic');
    const report = await audit(ref, dockerConfig({ auths: { [fake.address]: { auth: basicAuth('alice', PASSWORD) } } }));
    expect(report.findings).toHaveLength(1);
  });

  it('fails with AUTHENTICATION_FAILED, naming the registry but never the password, when Basic credentials are wrong', async () => {
    const ref = await withImage('basic');
    const err = await audit(ref, dockerConfig({ auths: { [`https://${fake.address}`]: { auth: basicAuth('alice', `${PASSWORD}-wrong`) } } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryAuthenticationError);
    expect((err as RegistryAuthenticationError).code).toBe('AUTHENTICATION_FAILED');
    expect((err as Error).message).toContain(fake.address);
    expectNoPassword(err);
  });

  it('without credentials says so in the hint', async () => {
    const ref = await withImage('basic');
    const err = await audit(ref, dockerConfig({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryAuthenticationError);
    expect((err as Error).message).toMatch(/no credentials found/);
  });

  it('trades credentials for a Bearer token with scope repository:R:pull and the service, once per scope', async () => {
    const ref = await withImage('bearer');
    await audit(ref, dockerConfig({ auths: { [fake.address]: { auth: basicAuth('alice', PASSWORD) } } }));
    expect(fake.tokensIssued).toEqual([{ scope: 'repository:team/app:pull', service: 'fake-registry', basic: true }]);
    const registryRequests = fake.requests.filter((r) => r.path.startsWith('/v2/team/'));
    expect(registryRequests.length).toBeGreaterThanOrEqual(3);
    expect(registryRequests.every((r) => r.authorization?.startsWith('Bearer '))).toBe(true);
  });

  it('asks for an anonymous token when there are no credentials (public images on Docker Hub work this way)', async () => {
    const ref = await withImage('bearer');
    const report = await audit(ref, dockerConfig({}));
    expect(report.findings).toHaveLength(1);
    expect(fake.tokensIssued).toEqual([{ scope: 'repository:team/app:pull', service: 'fake-registry', basic: false }]);
  });

  it('renews a token the registry stops accepting (one 401 with a token → a new token, no failure)', async () => {
    const ref = await withImage('bearer');
    let rejected = false;
    fake.hook = (req, res) => {
      if (!rejected && req.url?.includes('/blobs/') && req.headers.authorization?.startsWith('Bearer ')) {
        rejected = true;
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${fake.url}/token",service="fake-registry"` }).end();
        return true;
      }
      return false;
    };
    await audit(ref, dockerConfig({}));
    expect(fake.tokensIssued).toHaveLength(2);
  });

  it('trades an identity token for an access token with the OAuth2 refresh-token grant (POST), never as Basic', async () => {
    fake = await startFakeRegistry({ auth: 'bearer', refreshToken: 'refresh-Zq8-identity' });
    putSimpleImage(fake, 'team/app', 'v1', tar([{ name: 'etc/token', body: `${LEAKED}\n` }]));
    const report = await audit(`${fake.address}/team/app:v1`, dockerConfig({ auths: { [fake.address]: { identitytoken: 'refresh-Zq8-identity' } } }));
    expect(report.findings).toHaveLength(1);
    expect(fake.tokensIssued).toEqual([{ scope: 'repository:team/app:pull', service: 'fake-registry', basic: false }]);
    expect(fake.requests.find((r) => r.path === '/token')?.method).toBe('POST');
  });

  it('runs credHelpers[host] as docker-credential-<name> get with the server on stdin, never on argv', async () => {
    const ref = await withImage('basic');
    const log = join(dir, 'helper.log');
    writeFileSync(join(dir, 'docker-credential-fake'), `#!/bin/sh\nread server\necho "argv=$* server=$server" >> ${log}\nprintf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "$server" '${PASSWORD}'\n`);
    chmodSync(join(dir, 'docker-credential-fake'), 0o755);
    const report = await audit(ref, dockerConfig({ credHelpers: { [fake.address]: 'fake' }, auths: { [fake.address]: { auth: basicAuth('alice', 'not-this-one') } } }));
    expect(report.findings).toHaveLength(1);
    expect(readFileSync(log, 'utf8')).toBe(`argv=get server=${fake.address}\n`);
  });

  it('falls back from credsStore to anonymous when the store has nothing for the server', async () => {
    const ref = await withImage('none');
    writeFileSync(join(dir, 'docker-credential-empty'), '#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n');
    chmodSync(join(dir, 'docker-credential-empty'), 0o755);
    const report = await audit(ref, dockerConfig({ credsStore: 'empty' }));
    expect(report.findings).toHaveLength(1);
  });

  it('fails closed, without echoing the reply, when a credential helper prints garbage or is missing', async () => {
    const ref = await withImage('basic');
    writeFileSync(join(dir, 'docker-credential-broken'), `#!/bin/sh\necho 'Secret=${PASSWORD}'\n`);
    chmodSync(join(dir, 'docker-credential-broken'), 0o755);
    const broken = await audit(ref, dockerConfig({ credsStore: 'broken' })).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(RegistryAuthenticationError);
    expect((broken as Error).message).toMatch(/not JSON/);
    expectNoPassword(broken);
    const missing = await audit(ref, dockerConfig({ credsStore: 'nowhere-to-be-found' })).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/docker-credential-nowhere-to-be-found was not found/);
  });

  it('uses explicit credentials over the config, and they print as [redacted]', async () => {
    const ref = await withImage('basic');
    const creds = new RegistryCredentials('alice', PASSWORD);
    expect(`${creds} ${JSON.stringify({ creds })}`).not.toContain(PASSWORD);
    const report = await audit(ref, dockerConfig({}), { credentials: creds });
    expect(report.findings).toHaveLength(1);
  });
});
