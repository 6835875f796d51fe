// The docker:// source keeps the ImageSource contract (the conformance check every source runs),
// over the same two-platform index with attestations the other sources are checked with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tar } from '../../__fixtures__/tar-builder.js';
import { ociLayout } from '../../__fixtures__/oci-builder.js';
import { checkImageSource } from '../../source/conformance.js';
import { startFakeRegistry, type FakeRegistry } from './__fixtures__/fake-registry.js';
import { createRegistryImageSource } from './registry-image-source.js';

let fake: FakeRegistry;
const layerA = tar([{ name: 'app/a.txt', body: 'alpha' }]);
const layerB = tar([{ name: 'app/b.txt', body: 'bravo' }]);

beforeAll(async () => {
  fake = await startFakeRegistry();
  const layout = ociLayout(
    [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [layerA, layerB], attestation: [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: {} }] },
      { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [layerA], attestation: [{ predicateType: 'https://spdx.dev/Document', predicate: {} }] },
    ],
    { gzip: true },
  );
  // Serve the layout as a registry would: every blob by digest, manifests and indexes also as manifests, the layout's index as tag v1.
  for (const [path, bytes] of layout) {
    if (!path.startsWith('blobs/')) continue;
    fake.putBlob('conf/app', bytes);
    let mediaType: unknown;
    try {
      mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
    } catch {
      continue;
    }
    if (typeof mediaType === 'string' && /manifest|index/.test(mediaType)) fake.putRawManifest('conf/app', `sha256:${path.split('/')[2]}`, mediaType, bytes);
  }
  const index = layout.get('index.json')!;
  fake.putRawManifest('conf/app', 'v1', 'application/vnd.oci.image.index.v1+json', index);
});
afterAll(() => fake?.close());

describe('docker:// keeps the ImageSource contract', () => {
  it('lists every platform and attestation, and every blob opens and matches its digest', async () => {
    const result = await checkImageSource(() => createRegistryImageSource(`${fake.address}/conf/app:v1`, { env: {} }));
    expect(result.problems).toEqual([]);
    expect(result.images).toEqual(['attestation of linux/amd64 layers=1', 'attestation of linux/arm64/v8 layers=1', 'linux/amd64 layers=2', 'linux/arm64/v8 layers=1']);
  });
});
