import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tar, type FixtureEntry } from './tar-builder.js';

/** One image of a fixture OCI layout. */
export interface FixtureImage {
  readonly platform?: { os: string; architecture: string; variant?: string };
  /** Layer tars, bottom-up. */
  readonly layers: readonly Buffer[];
  readonly config?: Record<string, unknown>;
  /** An attestation manifest for this image with these in-toto documents (docker's layout). */
  readonly attestation?: readonly Record<string, unknown>[];
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * An OCI image layout (path → bytes) holding `images`: one image → index.json points at its
 * manifest; several (or a `tag`) → index.json points at one image index with a platform per entry,
 * plus docker-style attestation manifests.
 */
export function ociLayout(images: readonly FixtureImage[], options: { gzip?: boolean; tag?: string; nested?: boolean } = {}): Map<string, Buffer> {
  const files = new Map<string, Buffer>([['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')]]);
  const put = (bytes: Buffer, mediaType: string, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const digest = sha(bytes);
    files.set(`blobs/${digest.replace(':', '/')}`, bytes);
    return { mediaType, digest, size: bytes.length, ...extra };
  };
  const manifestOf = (layers: Record<string, unknown>[], config: Record<string, unknown>, annotations?: Record<string, string>): Buffer =>
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers, ...(annotations ? { annotations } : {}) }));
  const entries: Record<string, unknown>[] = [];
  for (const image of images) {
    const diffIds = image.layers.map(sha);
    const layers = image.layers.map((l) => (options.gzip ? put(gzipSync(l), 'application/vnd.oci.image.layer.v1.tar+gzip') : put(l, 'application/vnd.oci.image.layer.v1.tar')));
    const config = put(Buffer.from(JSON.stringify({ architecture: image.platform?.architecture ?? 'amd64', os: image.platform?.os ?? 'linux', ...(image.config ?? {}), rootfs: { type: 'layers', diff_ids: diffIds } })), 'application/vnd.oci.image.config.v1+json');
    const manifest = put(manifestOf(layers, config), 'application/vnd.oci.image.manifest.v1+json', image.platform ? { platform: image.platform } : {});
    entries.push(manifest);
    if (image.attestation) {
      const docs = image.attestation.map((d) => put(Buffer.from(JSON.stringify(d)), 'application/vnd.in-toto+json', { annotations: { 'in-toto.io/predicate-type': String(d['predicateType'] ?? 'https://slsa.dev/provenance/v0.2') } }));
      const aConfig = put(Buffer.from('{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}'), 'application/vnd.oci.image.config.v1+json');
      entries.push(put(manifestOf(docs, aConfig), 'application/vnd.oci.image.manifest.v1+json', {
        platform: { architecture: 'unknown', os: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': String(manifest['digest']) },
      }));
    }
  }
  const refName = options.tag ? { annotations: { 'org.opencontainers.image.ref.name': options.tag } } : {};
  if (options.nested || images.length > 1) {
    const index = put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries })), 'application/vnd.oci.image.index.v1+json', refName);
    files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [index] })));
  } else {
    files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: entries.map((e) => ({ ...e, ...refName })) })));
  }
  return files;
}

/** Write a layout to a directory (an `oci:` source). */
export function writeLayout(files: ReadonlyMap<string, Buffer>, dir: string): string {
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

/** The layout as a tar (an `oci-archive:` file), blobs first as podman writes them. */
export function layoutTar(files: ReadonlyMap<string, Buffer>): Buffer {
  const order = [...files.keys()].sort((a, b) => Number(a === 'index.json' || a === 'oci-layout') - Number(b === 'index.json' || b === 'oci-layout'));
  return tar(order.map((name) => ({ name, body: files.get(name)! })));
}

/** A docker-archive as `docker save` (20.10) writes it, with true digests: `<id>/layer.tar`, `<config hex>.json`, `manifest.json`. */
export function savedArchive(layers: readonly Buffer[], config: Record<string, unknown> = {}, repeatFirst = false): Buffer {
  const diffIds = layers.map(sha);
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', ...config, rootfs: { type: 'layers', diff_ids: diffIds } }));
  const configHex = sha(configBytes).slice('sha256:'.length);
  const ids = layers.map((_, i) => createHash('sha256').update(`layer-${i}`).digest('hex'));
  const entries: FixtureEntry[] = layers.map((layer, i) => ({ name: `${ids[i]}/layer.tar`, body: layer }));
  // docker save links a layer repeated in the image to its first copy.
  if (repeatFirst) entries.push({ name: `${'f'.repeat(64)}/layer.tar`, body: '', type: '2', linkName: `../${ids[0]}/layer.tar` });
  const layerPaths = [...ids.map((id) => `${id}/layer.tar`), ...(repeatFirst ? [`${'f'.repeat(64)}/layer.tar`] : [])];
  if (repeatFirst) diffIds.push(diffIds[0]!);
  const finalConfig = repeatFirst ? Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', ...config, rootfs: { type: 'layers', diff_ids: diffIds } })) : configBytes;
  const finalHex = repeatFirst ? sha(finalConfig).slice('sha256:'.length) : configHex;
  return tar([
    ...entries,
    { name: `${finalHex}.json`, body: finalConfig },
    { name: 'manifest.json', body: JSON.stringify([{ Config: `${finalHex}.json`, RepoTags: ['fixture:latest'], Layers: layerPaths }]) },
  ]);
}
