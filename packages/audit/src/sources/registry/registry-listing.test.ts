import { afterEach, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { tar } from '../../__fixtures__/tar-builder.js';
import { putSimpleImage, startFakeRegistry, type FakeRegistry } from './__fixtures__/fake-registry.js';
import { auditRegistryImage } from './audit-registry-image.js';
import { RegistryClient } from './registry-client.js';
import { listRegistryImage } from './registry-listing.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
let fake: FakeRegistry;
afterEach(async () => {
  await fake?.close();
});

describe('listRegistryImage (an index, platform by platform, attestations included)', () => {
  it('lists each platform with its config and layers, and the attestation manifest with the image it attests', async () => {
    fake = await startFakeRegistry();
    const value = makeCanary('provenance-build-arg');
    const amd = putSimpleImage(fake, 'team/app', 'amd64', tar([{ name: 'etc/a', body: 'clean\n' }]), { architecture: 'amd64', os: 'linux' });
    const arm = putSimpleImage(fake, 'team/app', 'arm64', tar([{ name: 'etc/b', body: 'clean too\n' }]), { architecture: 'arm64', os: 'linux', variant: 'v8' });
    // An in-toto provenance statement recording a build argument, as BuildKit attaches one.
    const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicate: { invocation: { parameters: { args: { 'build-arg:TOKEN': value } } } } }));
    const att = putSimpleImage(fake, 'team/app', 'att', statement, { architecture: 'unknown', os: 'unknown' });
    // Manifests are fetched by digest and verified by it; the descriptor size is not used for them.
    const size = (tag: string): number => tag.length;
    fake.putManifest('team/app', 'v1', OCI_INDEX, {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amd.manifest, size: size('a'), platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: arm.manifest, size: size('b'), platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: att.manifest, size: size('c'), platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd.manifest } },
      ],
    });
    const client = new RegistryClient(fake.address, fake.address, { env: {} });
    try {
      const listing = await listRegistryImage(client, 'team/app', 'v1', ['v1'], AbortSignal.timeout(10_000));
      expect(listing.images.map((i) => [i.platform, i.manifest.digest, i.layers.map((l) => l.digest), i.attests])).toEqual([
        [{ os: 'linux', architecture: 'amd64' }, amd.manifest, [amd.layer], undefined],
        [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, arm.manifest, [arm.layer], undefined],
        [{ os: 'unknown', architecture: 'unknown' }, att.manifest, [att.layer], amd.manifest],
      ]);
      expect([...listing.documents.keys()].sort()).toEqual(['index.json', ...[listing.root.digest, amd.manifest, arm.manifest, att.manifest].map((d) => `blobs/${d.replace(':', '/')}`)].sort());
    } finally {
      client.close();
    }
    // The audit reads the attestation too: a value recorded in provenance is found.
    const report = await auditRegistryImage({ reference: `${fake.address}/team/app:v1`, env: {}, secrets: [{ id: 'token', value: SecretValue.from(value) }] });
    expect(report.findings).toEqual([{ secretId: 'token', encoding: 'raw', attestationOf: 'linux/amd64', location: { kind: 'manifest', file: `blobs/${att.layer.replace(':', '/')}`, field: 'predicate.invocation.parameters.args.build-arg:TOKEN' } }]);
  });
});

describe('createRegistryImageSource (blob-level docker:// source)', () => {
  it('lists the image and opens a blob as a verified stream; a tampered blob errors the stream', async () => {
    const { createRegistryImageSource } = await import('./registry-image-source.js');
    const { DigestMismatchError, ImageNotFoundError } = await import('./registry-errors.js');
    fake = await startFakeRegistry();
    const layer = tar([{ name: 'etc/a', body: 'hello\n' }]);
    const digests = putSimpleImage(fake, 'team/app', 'v1', layer);
    const source = createRegistryImageSource(`${fake.address}/team/app:v1`, { env: {}, retry: { retries: 0 } });
    try {
      expect(source.name).toBe(`docker://${fake.address}/team/app:v1`);
      const listing = await source.list(AbortSignal.timeout(10_000));
      const descriptor = listing.images[0]!.layers[0]!;
      const chunks: Buffer[] = [];
      for await (const chunk of await source.openBlob(descriptor, AbortSignal.timeout(10_000))) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(layer)).toBe(true);
      fake.hook = (req, res) => {
        if (!req.url?.endsWith(digests.layer)) return false;
        const bad = Buffer.from(layer);
        bad[600] = bad[600]! ^ 1;
        res.writeHead(200, { 'Content-Length': bad.length }).end(bad);
        return true;
      };
      const read = async (): Promise<void> => {
        for await (const _ of await source.openBlob(descriptor, AbortSignal.timeout(10_000))) void _;
      };
      await expect(read()).rejects.toBeInstanceOf(DigestMismatchError);
      await expect(source.openBlob({ ...descriptor, digest: `sha256:${'0'.repeat(64)}` }, AbortSignal.timeout(10_000))).rejects.toBeInstanceOf(ImageNotFoundError);
    } finally {
      await source.close();
    }
  });
});
