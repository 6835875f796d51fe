/**
 * An image in a registry as the files of an OCI image layout, ready to stream to the archive
 * reader: `oci-layout`, `index.json` and the manifests in memory, configs fetched whole (small,
 * verified), layers as verified streams opened when the stream reaches them.
 */
import { formatReference, parseImageReference, type ImageReference } from './image-reference.js';
import type { TarItem } from './oci-tar-stream.js';
import { RegistryClient, type RegistryClientOptions } from './registry-client.js';
import { UnsupportedManifestError } from './registry-errors.js';
import { blobPath, listRegistryImage, type RegistryListing } from './registry-listing.js';

/** The walked image: its files in layout order and a label for reports. */
export interface RegistryImage {
  /** `HOST/REPO:TAG` or `HOST/REPO@DIGEST` as audited. */
  readonly label: string;
  readonly reference: ImageReference;
  /** Digest of the root manifest or index. */
  readonly digest: string;
  readonly listing: RegistryListing;
  /** OCI layout files: `oci-layout`, `index.json`, manifests and configs in memory, layers as streams. */
  readonly items: readonly TarItem[];
  readonly client: RegistryClient;
}

/** Walk `reference` (what follows `docker://`) and list the files of its OCI layout. */
export async function openRegistryImage(reference: string, options: RegistryClientOptions, signal: AbortSignal): Promise<RegistryImage> {
  const ref = parseImageReference(reference);
  const client = new RegistryClient(ref.registry, ref.endpoint, options);
  try {
    const listing = await listRegistryImage(client, ref.repository, ref.digest ?? ref.tag ?? 'latest', [ref.tag ?? ref.digest ?? ''], signal);
    const seen = new Set<string>();
    const configs = listing.images.map((i) => i.config).filter((c) => !seen.has(c.digest) && seen.add(c.digest));
    const configBytes = await Promise.all(configs.map(async (c) => ({ c, bytes: await client.smallBlob(ref.repository, c.digest, c.size < 0 ? undefined : c.size, signal) })));
    const items: TarItem[] = [{ path: 'oci-layout', size: 30, body: Buffer.from('{"imageLayoutVersion":"1.0.0"}') }];
    for (const [path, body] of listing.documents) items.push({ path, size: body.length, body });
    const written = new Set(listing.documents.keys());
    for (const { c, bytes } of configBytes) {
      if (written.has(blobPath(c.digest))) continue;
      written.add(blobPath(c.digest));
      items.push({ path: blobPath(c.digest), size: bytes.length, body: bytes });
    }
    for (const layer of listing.images.flatMap((i) => i.layers)) {
      if (written.has(blobPath(layer.digest))) continue;
      written.add(blobPath(layer.digest));
      if (layer.size < 0) throw new UnsupportedManifestError(`layer ${layer.digest} has no size in its manifest`);
      items.push({ path: blobPath(layer.digest), size: layer.size, body: () => client.blob(ref.repository, layer.digest, layer.size, signal) });
    }
    return { label: formatReference(ref), reference: ref, digest: listing.root.digest, listing, items, client };
  } catch (err) {
    client.close();
    throw err;
  }
}
