// The registry test support itself: a real `docker-registry` with htpasswd and TLS, images pushed
// into it by the e2e dockerd and by the upload helper, and nothing left after stop().
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithParts } from '../support/system-parts.js';
import { LOCAL_REGISTRY_PARTS, startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';
import { dockerPush, registryRequest, sha256Digest, uploadOciImage } from '../support/registry-push.js';
import { BASE_IMAGE, describeE2E, E2E_ENV, DOCKER_BIN } from './support/engine.js';

describeWithParts('local registry (test support): docker-registry with htpasswd and TLS', LOCAL_REGISTRY_PARTS, () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    registry = await startLocalRegistry({ auth: true, tls: true });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('answers only over TLS signed by its own CA, and refuses a request without credentials', async () => {
    expect(registry.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(registry.caPem).toContain('BEGIN CERTIFICATE');
    const anonymous = await registryRequest({ ...registry, username: undefined }, 'GET', '/v2/');
    expect(anonymous.status).toBe(401);
    expect(String(anonymous.headers['www-authenticate'])).toMatch(/^Basic realm=/);
    const authed = await registryRequest(registry, 'GET', '/v2/');
    expect(authed.status).toBe(200);
    await expect(registryRequest({ ...registry, caPem: undefined }, 'GET', '/v2/')).rejects.toThrow(/certificate/i);
  });

  it('stores an OCI image uploaded through the API and serves it back by digest', async () => {
    const layer = Buffer.from('not really a tar, just bytes');
    const descriptor = await uploadOciImage(registry, 'support/upload', 'v1', {
      config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] } },
      layers: [{ bytes: layer, mediaType: 'application/vnd.oci.image.layer.v1.tar' }],
    });
    const manifest = await registryRequest(registry, 'GET', '/v2/support/upload/manifests/v1', undefined, { Accept: descriptor.mediaType });
    expect(manifest.status).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(descriptor.digest);
    const blob = await registryRequest(registry, 'GET', `/v2/support/upload/blobs/${sha256Digest(layer)}`);
    expect(blob.body.equals(layer)).toBe(true);
  });

  describeE2E('with the e2e dockerd', () => {
    it('takes a docker push (login with the password on stdin) and lists the tag', async () => {
      const digest = await dockerPush(registry, BASE_IMAGE, 'support/busybox:pushed', E2E_ENV, DOCKER_BIN);
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const tags = await registryRequest(registry, 'GET', '/v2/support/busybox/tags/list');
      expect(JSON.parse(tags.body.toString('utf8'))).toEqual({ name: 'support/busybox', tags: ['pushed'] });
    });
  });

  it('stops by pid and removes its storage', async () => {
    const other = await startLocalRegistry();
    expect(other.url).toMatch(/^http:\/\//);
    expect((await registryRequest(other, 'GET', '/v2/')).status).toBe(200);
    const dir = dirname(other.storageDir);
    expect(existsSync(dir)).toBe(true);
    await other.stop();
    await other.stop();
    expect(existsSync(dir)).toBe(false);
    // Refused — or, in a busy parallel suite, a connection another test's server (reusing the freed
    // port) drops: either way no registry answers there any more.
    await expect(registryRequest(other, 'GET', '/v2/')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
  });
});
