// What the docker:// client does when the registry misbehaves: a typed error for each failure,
// retries only where another attempt may pass, a resumed blob after a dropped connection, a digest
// mismatch as an error (never a finding), and a bounded wait — never a hang.
import { createGcpTestTls } from '@buildsecrets/test-kit';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { tar } from '../../__fixtures__/tar-builder.js';
import { putSimpleImage, startFakeRegistry, type FakeRegistry } from './__fixtures__/fake-registry.js';
import { auditRegistryImage, type AuditRegistryOptions } from './audit-registry-image.js';
import { DigestMismatchError, ImageNotFoundError, RegistryAuthenticationError, RegistryPermissionError, RegistryTlsError, RegistryUnavailableError, TimeoutError, UnsupportedManifestError } from './registry-errors.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';
import { tempDirSync } from '../../../../../test/support/temp-dirs.js';

const LEAKED = makeCanary('registry-leaked-token');
let fake: FakeRegistry;
afterEach(async () => {
  await fake?.close();
});

async function image(options: Parameters<typeof startFakeRegistry>[0] = {}): Promise<{ ref: string; layer: string; bytes: Buffer }> {
  fake = await startFakeRegistry(options);
  // A layer large enough to arrive in several chunks, with the value at the end.
  const filler = Buffer.alloc(600_000, 'a');
  const bytes = tar([{ name: 'big.bin', body: filler }, { name: 'etc/token', body: LEAKED }]);
  const digests = putSimpleImage(fake, 'team/app', 'v1', bytes);
  return { ref: `${fake.address}/team/app:v1`, layer: digests.layer, bytes };
}

const audit = (ref: string, extra: Partial<AuditRegistryOptions> = {}) =>
  auditRegistryImage({ reference: ref, env: { DOCKER_CONFIG: '/nonexistent' }, secrets: [{ id: 'token', value: SecretValue.from(LEAKED) }], retry: { baseDelayMs: 5, retries: 2, maxDelayMs: 2000 }, timeouts: { headersMs: 1500, idleMs: 1000 }, ...extra });

const blobRequests = (): number => fake.requests.filter((r) => r.path.includes('/blobs/') && !r.path.includes('uploads')).length;

describe('docker:// faults', () => {
  it.each([
    { status: 404, type: ImageNotFoundError, code: 'IMAGE_NOT_FOUND' },
    { status: 403, type: RegistryPermissionError, code: 'PERMISSION_DENIED' },
    { status: 401, type: RegistryAuthenticationError, code: 'AUTHENTICATION_FAILED' },
  ] as const)('HTTP $status on the manifest → $code, not retried', async ({ status, type, code }) => {
    const { ref } = await image();
    let calls = 0;
    fake.hook = (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      calls++;
      res.writeHead(status, { 'Content-Type': 'application/json', ...(status === 401 ? { 'WWW-Authenticate': 'Basic realm="x"' } : {}) }).end('{"errors":[{"code":"DENIED"}]}');
      return true;
    };
    const err = await audit(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as { code: string }).code).toBe(code);
    expect(calls).toBe(1);
  });

  it('an unknown tag is IMAGE_NOT_FOUND with the registry\'s error code in the message', async () => {
    const { ref } = await image();
    const err = await audit(ref.replace(':v1', ':nope')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect((err as Error).message).toContain('MANIFEST_UNKNOWN');
  });

  it('retries 429 after the Retry-After the registry asks for, then succeeds', async () => {
    const { ref } = await image();
    fake.hook = (req, res, seen) => {
      if (!req.url?.includes('/manifests/') || seen > 1) return false;
      res.writeHead(429, { 'Retry-After': '1' }).end();
      return true;
    };
    const started = Date.now();
    const report = await audit(ref);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(report.findings).toHaveLength(1);
  });

  it('gives up at once when Retry-After asks for longer than the longest wait (429 → REGISTRY_UNAVAILABLE)', async () => {
    const { ref } = await image();
    fake.hook = (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(429, { 'Retry-After': '3600' }).end();
      return true;
    };
    const started = Date.now();
    const err = await audit(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect((err as RegistryUnavailableError).status).toBe(429);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('retries 5xx with backoff and fails with REGISTRY_UNAVAILABLE when it persists (1 + retries attempts)', async () => {
    const { ref } = await image();
    let calls = 0;
    fake.hook = (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      calls++;
      res.writeHead(503).end();
      return true;
    };
    const err = await audit(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect((err as RegistryUnavailableError).status).toBe(503);
    expect(calls).toBe(3);
  });

  it('resumes a blob whose connection drops midway with a Range request and still verifies it', async () => {
    const { ref, layer, bytes } = await image();
    fake.hook = (req, res, seen) => {
      if (!req.url?.endsWith(layer) || seen > 1) return false;
      res.writeHead(200, { 'Content-Length': bytes.length });
      res.write(bytes.subarray(0, 100_000), () => res.socket?.destroy());
      return true;
    };
    const report = await audit(ref);
    expect(report.findings).toHaveLength(1);
    // Resumed where it broke off: a restart at 0 would duplicate bytes and fail the digest check.
    expect(fake.requests.filter((r) => r.path.endsWith(layer)).map((r) => r.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
  });

  it('a blob whose bytes do not match its digest is DIGEST_MISMATCH — an error, not a finding and not "unscanned"', async () => {
    const { ref, layer } = await image();
    fake.hook = (req, res) => {
      if (!req.url?.endsWith(layer)) return false;
      const bytes = tar([{ name: 'big.bin', body: Buffer.alloc(600_000, 'a') }, { name: 'etc/token', body: `${LEAKED.slice(0, -1)}${LEAKED.endsWith('0') ? '1' : '0'}` }]);
      res.writeHead(200, { 'Content-Length': bytes.length }).end(bytes);
      return true;
    };
    const err = await audit(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as DigestMismatchError).code).toBe('DIGEST_MISMATCH');
  });

  it('a manifest whose bytes do not match the digest the registry states is DIGEST_MISMATCH', async () => {
    const { ref } = await image();
    fake.hook = (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': `sha256:${'0'.repeat(64)}` }).end('{"schemaVersion":2,"layers":[]}');
      return true;
    };
    await expect(audit(ref)).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('refuses a Docker schema 1 manifest with MANIFEST_UNSUPPORTED', async () => {
    fake = await startFakeRegistry();
    fake.putManifest('old/app', 'v1', 'application/vnd.docker.distribution.manifest.v1+prettyjws', { schemaVersion: 1, name: 'old/app', tag: 'v1', fsLayers: [] });
    const err = await audit(`${fake.address}/old/app:v1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedManifestError);
    expect((err as Error).message).toMatch(/schema 1/);
  });

  it('a server that never answers is a TIMEOUT within the limits, never a hang', async () => {
    const { ref } = await image();
    fake.hook = (req) => Boolean(req.url?.includes('/manifests/'));
    const started = Date.now();
    const err = await audit(ref, { retry: { retries: 1, baseDelayMs: 5 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('a body that stalls midway is retried, then fails typed — never a hang', async () => {
    const { ref, layer } = await image();
    fake.hook = (req, res) => {
      if (!req.url?.endsWith(layer)) return false;
      res.writeHead(200, { 'Content-Length': 700_000 });
      res.write(Buffer.alloc(1000, 'a'));
      return true;
    };
    const started = Date.now();
    const err = await audit(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses an unknown CA (TLS_FAILED, with a hint), accepts it with --ca-file, and skips checks only with --tls-verify=false', async () => {
    const tls = createGcpTestTls();
    const { ref } = await image({ tls: { cert: tls.serverCert, key: tls.serverKey } });
    const unknown = await audit(ref).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(RegistryTlsError);
    expect((unknown as Error).message).toMatch(/--cert-dir/);
    const dir = tempDirSync('bs-ca-');
    try {
      writeFileSync(join(dir, 'ca.crt'), tls.caCert);
      expect((await audit(ref, { caFile: join(dir, 'ca.crt') })).findings).toHaveLength(1);
      expect((await audit(ref, { certDir: dir })).findings).toHaveLength(1);
      expect((await audit(ref, { verify: false })).findings).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never sends the Authorization header to another origin a blob redirects to', async () => {
    const { ref, layer } = await image({ auth: 'basic', username: 'alice', password: 'pw-redirect-1' });
    const storage = await startFakeRegistry();
    try {
      const layerBytes = tar([{ name: 'big.bin', body: Buffer.alloc(600_000, 'a') }, { name: 'etc/token', body: LEAKED }]);
      storage.putBlob('team/app', layerBytes);
      fake.hook = (req, res) => {
        if (!req.url?.endsWith(layer) || !req.headers.authorization) return false;
        res.writeHead(307, { Location: `${storage.url}/v2/team/app/blobs/${layer}` }).end();
        return true;
      };
      const report = await audit(ref, { credentials: undefined, env: { DOCKER_CONFIG: writeConfig(fake.address, 'alice', 'pw-redirect-1') } });
      expect(report.findings).toHaveLength(1);
      expect(storage.requests.length).toBeGreaterThan(0);
      expect(storage.requests.every((r) => r.authorization === undefined)).toBe(true);
    } finally {
      await storage.close();
    }
  });
});

function writeConfig(address: string, user: string, password: string): string {
  const dir = tempDirSync('bs-cfg-');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [address]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }));
  return dir;
}
