// Faults between `audit docker://` and a real registry (docker-registry with TLS + htpasswd),
// injected by a proxy: each gives a typed error or is retried to success — never a hang, never a
// finding made of bad bytes.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { auditRegistryImage, DigestMismatchError, ImageNotFoundError, RegistryAuthenticationError, RegistryCredentials, RegistryPermissionError, RegistryUnavailableError, SecretValue, TimeoutError } from '@buildsecrets/core';
import { tar } from '../../packages/audit/src/__fixtures__/tar-builder.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { LOCAL_REGISTRY_PARTS, startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';
import { sha256Digest, uploadOciImage } from '../support/registry-push.js';
import { describeWithParts } from '../support/system-parts.js';
import { makeCanary } from '../setup/canary-values.js';

const value = makeCanary('registry-fault');
/** Every request in these tests is bounded: a hang fails the test here, not at vitest's timeout. */
const HANG_GUARD_MS = 20_000;

describeWithParts('audit docker:// through a fault-injecting proxy in front of a real registry', LOCAL_REGISTRY_PARTS, () => {
  let registry: LocalRegistry;
  let proxy: FaultProxy;
  let layerDigest = '';

  beforeAll(async () => {
    registry = await startLocalRegistry({ auth: true, tls: true });
    // 4 MB of incompressible filler then the value: a blob that arrives in many chunks.
    const layer = gzipSync(tar([{ name: 'filler.bin', body: randomBytes(4 << 20) }, { name: 'etc/token', body: `${value}\n` }]));
    layerDigest = sha256Digest(layer);
    await uploadOciImage(registry, 'faults/app', 'v1', {
      config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
      layers: [{ bytes: layer, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
    });
    proxy = await startFaultProxy(registry.url, registry.caPem);
  });
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
  });
  beforeEach(() => {
    proxy.rules.length = 0;
    proxy.log.length = 0;
  });

  const blobPath = (): RegExp => new RegExp(`/blobs/${layerDigest}$`);
  const audit = async (credentials = new RegistryCredentials(registry.username!, registry.password!)) => {
    const started = Date.now();
    const result = await Promise.race([
      auditRegistryImage({ reference: `${proxy.address}/faults/app:v1`, credentials, secrets: [{ id: 'token', value: SecretValue.from(value) }], retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 3000 }, timeouts: { headersMs: 3000, idleMs: 2000 } }).then(
        (report) => ({ report }),
        (error: unknown) => ({ error }),
      ),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the audit hung')), HANG_GUARD_MS)),
    ]);
    return { ...result, ms: Date.now() - started };
  };

  it('passes clean through the proxy (the baseline every fault is measured against)', async () => {
    const { report } = await audit();
    expect(report?.findings).toEqual([{ secretId: 'token', encoding: 'raw', location: { kind: 'layer', layer: layerDigest, path: 'etc/token' } }]);
  });

  it('a connection dropped mid-blob is resumed (Range) and the value is still found', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(), fault: { kind: 'drop', afterBytes: 1 << 20 }, times: 1 });
    const { report, error } = await audit();
    expect(error).toBeUndefined();
    expect(report?.findings).toHaveLength(1);
    expect(proxy.log.filter((l) => blobPath().test(l.path))).toHaveLength(2);
  });

  it('a connection dropped on every attempt ends in REGISTRY_UNAVAILABLE after the retries', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(), fault: { kind: 'drop', afterBytes: 1 << 20 } });
    const { error } = await audit();
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect(proxy.log.filter((l) => blobPath().test(l.path))).toHaveLength(3);
  });

  it('a flipped byte is DIGEST_MISMATCH, not a finding', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(), fault: { kind: 'corrupt', offset: 2 << 20 } });
    const { error, report } = await audit();
    expect(report).toBeUndefined();
    expect(error).toBeInstanceOf(DigestMismatchError);
  });

  it.each([
    { status: 401, type: RegistryAuthenticationError },
    { status: 403, type: RegistryPermissionError },
    { status: 404, type: ImageNotFoundError },
  ])('HTTP $status on the blob is a typed error at once (not retried)', async ({ status, type }) => {
    proxy.rules.push({ method: 'GET', path: blobPath(), fault: { kind: 'status', status, headers: status === 401 ? { 'WWW-Authenticate': 'Basic realm="x"' } : {} } });
    const { error } = await audit();
    expect(error).toBeInstanceOf(type);
    expect(proxy.log.filter((l) => blobPath().test(l.path))).toHaveLength(1);
  });

  it('429 with Retry-After and 503 twice are retried to success', async () => {
    proxy.rules.push({ path: /\/manifests\//, fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } }, times: 1 });
    proxy.rules.push({ method: 'GET', path: blobPath(), fault: { kind: 'status', status: 503 }, times: 2 });
    const { report, ms } = await audit();
    expect(report?.findings).toHaveLength(1);
    expect(ms).toBeGreaterThanOrEqual(900);
  });

  it('500 on every attempt is REGISTRY_UNAVAILABLE with the status', async () => {
    proxy.rules.push({ path: /\/manifests\//, fault: { kind: 'status', status: 500 } });
    const { error } = await audit();
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as RegistryUnavailableError).status).toBe(500);
  });

  it('a slow body (64 KiB every 20 ms) still completes', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(), fault: { kind: 'slow', chunkBytes: 64 << 10, delayMs: 20 } });
    const { report } = await audit();
    expect(report?.findings).toHaveLength(1);
  });

  it('a body that stalls is a TIMEOUT within the idle limit × attempts, never a hang', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(), fault: { kind: 'stall', afterBytes: 1 << 20 } });
    const { error, ms } = await audit();
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(15_000);
  });

  it('wrong credentials are AUTHENTICATION_FAILED from the real registry, without the password in the error', async () => {
    const { error } = await audit(new RegistryCredentials(registry.username!, 'not-the-password-123'));
    expect(error).toBeInstanceOf(RegistryAuthenticationError);
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('not-the-password-123');
  });
});
