import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveFile } from '../archive-stream.js';
import { tar } from '../__fixtures__/tar-builder.js';
import { layoutTar, ociLayout, savedArchive, writeLayout } from '../__fixtures__/oci-builder.js';
import { checkImageSource } from './conformance.js';
import type { ImageSource } from './image-source.js';
import { ociLayoutSource } from './oci-layout-source.js';
import { tarStreamSource } from './tar-stream-source.js';

const work = mkdtempSync(join(tmpdir(), 'bs-source-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const layerA = tar([{ name: 'app/a.txt', body: 'alpha' }]);
const layerB = tar([{ name: 'app/b.txt', body: 'bravo' }]);
const twoPlatforms = ociLayout(
  [
    { platform: { os: 'linux', architecture: 'amd64' }, layers: [layerA, layerB], attestation: [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: {} }] },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [layerA], attestation: [{ predicateType: 'https://spdx.dev/Document', predicate: {} }] },
  ],
  { gzip: true },
);
const expectedTwo = ['attestation of linux/amd64 layers=1', 'attestation of linux/arm64/v8 layers=1', 'linux/amd64 layers=2', 'linux/arm64/v8 layers=1'];

function file(name: string, bytes: Buffer): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

/** Every source kind, each over fixtures whose content the test knows. */
const cases: { name: string; open: () => ImageSource; images: string[] }[] = [
  { name: 'oci: a two-platform index with attestations (gzip layers)', open: () => ociLayoutSource(writeLayout(twoPlatforms, join(work, 'two'))), images: expectedTwo },
  { name: 'oci:DIR:TAG picks the tagged image', open: () => ociLayoutSource(writeLayout(ociLayout([{ layers: [layerA] }], { tag: 'v1' }), join(work, 'tagged')), 'v1'), images: ['- layers=1'] },
  { name: 'oci-archive: the same index as a tar stream', open: () => tarStreamSource('oci-archive', 'two.tar', () => archiveFile(file('two.tar', layoutTar(twoPlatforms)))), images: expectedTwo },
  { name: 'docker-archive: a docker save stream', open: () => tarStreamSource('docker-archive', 'saved.tar', () => archiveFile(file('saved.tar', savedArchive([layerA, layerB], {}, true)))), images: ['- layers=3'] },
];

describe('every ImageSource keeps the contract', () => {
  it.each(cases)('$name', async ({ open, images }) => {
    const result = await checkImageSource(open);
    expect(result.problems).toEqual([]);
    expect(result.images).toEqual(images);
  });

  it('reports a blob that does not match its digest as a problem (the check can fail)', async () => {
    const broken = new Map(twoPlatforms);
    const [path] = [...broken.keys()].filter((p) => p.startsWith('blobs/') && broken.get(p)![0] === 0x1f);
    broken.set(path!, Buffer.concat([broken.get(path!)!, Buffer.from('tampered')]));
    const result = await checkImageSource(() => ociLayoutSource(writeLayout(broken, join(work, 'broken'))));
    expect(result.problems.join('\n')).toMatch(/does not match its digest|bytes, its descriptor says/);
  });
});
