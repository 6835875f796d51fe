/**
 * The archive's own description of each image, as archive paths: which blob is the config and the
 * order and digests of the layers, plus the platform (and attestation target) from the index.
 * Archives list these last, so the auditor collects the documents while streaming and interprets
 * them at the end. The parsing itself is {@link readListing}'s.
 */
import { formatPlatform, type BlobDescriptor, type ImageListing, type ListedImage } from './source/image-source.js';
import { blobPath, readListing } from './source/read-listing.js';

export { blobPath } from './source/read-listing.js';

/** One image in the archive (an OCI index may hold several platforms). */
export interface ImageLayout {
  /** Archive path of the image config. */
  readonly config: string | undefined;
  /** Archive paths of the layers, bottom-up. */
  readonly layers: readonly string[];
  /** Digest for each layer path (uncompressed diff id for docker-archive, blob digest for OCI). */
  readonly digests: ReadonlyMap<string, string>;
  /** The config's `rootfs.diff_ids` (uncompressed layer digests, bottom-up): what base images are compared by. */
  readonly diffIds: readonly string[];
  /** `linux/arm64` when the image came from an index entry with a platform. */
  readonly platform?: string;
  /** For an attestation manifest: the digest of the image manifest it describes. */
  readonly attests?: string;
  /** The manifest's digest (empty for docker-archive). */
  readonly manifest: string;
}

/** The digest an archive path stands for, when the path says it (`blobs/sha256/<hex>`). */
export function digestFromPath(path: string): string | undefined {
  const match = /(?:^|\/)blobs\/(sha256|sha512)\/([0-9a-f]{64,128})$/.exec(path);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

const pathOf = (d: BlobDescriptor): string => d.path ?? blobPath(d.digest);

function layoutOf(image: ListedImage): ImageLayout {
  const layers = image.layers.map(pathOf);
  return {
    config: pathOf(image.config),
    layers,
    digests: new Map(image.layers.map((d, i) => [layers[i]!, d.path && digestFromPath(d.path) === undefined ? (d.diffId ?? d.path) : d.digest])),
    diffIds: image.layers.map((d) => d.diffId).filter((d): d is string => d !== undefined),
    ...(image.platform ? { platform: formatPlatform(image.platform) } : {}),
    ...(image.attests ? { attests: image.attests } : {}),
    manifest: image.manifest.digest,
  };
}

/** The layouts of a source's listing. */
export function layoutsOf(listing: ImageListing): ImageLayout[] {
  return listing.images.map(layoutOf);
}

/** Every image the archive describes; docker's `manifest.json` wins over OCI `index.json` when both exist. */
export function readLayouts(docs: ReadonlyMap<string, Buffer>): ImageLayout[] {
  return layoutsOf(readListing(docs));
}
