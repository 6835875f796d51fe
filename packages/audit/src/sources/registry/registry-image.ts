/**
 * Everything an image in a registry consists of, found by walking from its reference: the root
 * manifest or index, every platform's manifest (attestation manifests too: provenance records build
 * arguments), their configs and layers — as the files of an OCI image layout, ready to stream.
 */
import { formatReference, parseImageReference, type ImageReference } from './image-reference.js';
import { isIndexType } from './media-types.js';
import type { TarItem } from './oci-tar-stream.js';
import { RegistryClient, type FetchedManifest, type RegistryClientOptions } from './registry-client.js';
import { UnsupportedManifestError } from './registry-errors.js';

/** A blob named by a manifest. */
interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number | undefined;
}

/** The walked image: its files in layout order and a label for reports. */
export interface RegistryImage {
  /** `HOST/REPO:TAG` or `HOST/REPO@DIGEST` as audited. */
  readonly label: string;
  readonly reference: ImageReference;
  /** Digest of the root manifest or index. */
  readonly digest: string;
  /** OCI layout files: `oci-layout`, `index.json`, manifests and configs in memory, layers as streams. */
  readonly items: readonly TarItem[];
  readonly client: RegistryClient;
}

const MAX_DEPTH = 4;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

function descriptors(value: unknown, what: string): Descriptor[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UnsupportedManifestError(`${what} is not a list`);
  return value.map((d: unknown) => {
    const { mediaType, digest, size } = (d ?? {}) as { mediaType?: unknown; digest?: unknown; size?: unknown };
    if (typeof digest !== 'string' || !DIGEST.test(digest)) throw new UnsupportedManifestError(`${what} names a blob without a valid digest`);
    return { mediaType: typeof mediaType === 'string' ? mediaType : '', digest, size: typeof size === 'number' && size >= 0 ? size : undefined };
  });
}

const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

/** Walk `reference` (what follows `docker://`) and list the files of its OCI layout. */
export async function openRegistryImage(reference: string, options: RegistryClientOptions, signal: AbortSignal): Promise<RegistryImage> {
  const ref = parseImageReference(reference);
  const client = new RegistryClient(ref.registry, ref.endpoint, options);
  try {
    const manifests: FetchedManifest[] = [];
    const configs = new Map<string, Descriptor>();
    const layers = new Map<string, Descriptor>();
    const walk = async (manifest: FetchedManifest, depth: number): Promise<void> => {
      manifests.push(manifest);
      if (isIndexType(manifest.mediaType)) {
        if (depth >= MAX_DEPTH) throw new UnsupportedManifestError(`index ${manifest.digest} nests deeper than ${MAX_DEPTH} levels`);
        const children = descriptors(manifest.json['manifests'], `index ${manifest.digest}`);
        // Sibling manifests are small: fetch them together.
        const fetched = await Promise.all(children.map((c) => client.manifest(ref.repository, c.digest, signal)));
        for (const child of fetched) await walk(child, depth + 1);
        return;
      }
      const config = descriptors(manifest.json['config'] === undefined ? undefined : [manifest.json['config']], `manifest ${manifest.digest} config`)[0];
      if (config) configs.set(config.digest, config);
      for (const layer of descriptors(manifest.json['layers'], `manifest ${manifest.digest} layers`)) layers.set(layer.digest, layer);
    };
    const root = await client.manifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', signal);
    await walk(root, 0);

    const configBytes = await Promise.all([...configs.values()].map(async (c) => ({ c, bytes: await client.smallBlob(ref.repository, c.digest, c.size, signal) })));
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: root.mediaType, digest: root.digest, size: root.bytes.length, annotations: { 'org.opencontainers.image.ref.name': ref.tag ?? ref.digest ?? '' } }] };
    const items: TarItem[] = [
      { path: 'oci-layout', size: 30, body: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
      ...[Buffer.from(JSON.stringify(index))].map((body) => ({ path: 'index.json', size: body.length, body })),
    ];
    const seen = new Set<string>();
    for (const m of manifests) {
      if (seen.has(m.digest)) continue;
      seen.add(m.digest);
      items.push({ path: blobPath(m.digest), size: m.bytes.length, body: m.bytes });
    }
    for (const { c, bytes } of configBytes) {
      if (seen.has(c.digest)) continue;
      seen.add(c.digest);
      items.push({ path: blobPath(c.digest), size: bytes.length, body: bytes });
    }
    for (const layer of layers.values()) {
      if (seen.has(layer.digest)) continue;
      seen.add(layer.digest);
      if (layer.size === undefined) throw new UnsupportedManifestError(`layer ${layer.digest} has no size in its manifest`);
      items.push({ path: blobPath(layer.digest), size: layer.size, body: () => client.blob(ref.repository, layer.digest, layer.size, signal) });
    }
    return { label: formatReference(ref), reference: ref, digest: root.digest, items, client };
  } catch (err) {
    client.close();
    throw err;
  }
}
