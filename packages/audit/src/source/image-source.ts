import type { Readable } from 'node:stream';

/**
 * The seam between where an image lives and the scanner. A source either lets the scanner open any
 * blob at any time ({@link RandomAccessImageSource}: an OCI layout directory, a registry — layers can
 * be fetched and scanned concurrently) or hands over its blobs in the one order it can produce them
 * ({@link SequentialImageSource}: `docker save`, `podman save`, an archive file — one pass, nothing
 * written to disk). The scanner knows nothing of engines, daemons or registries.
 *
 * Every source passes the shared conformance suite (`source/conformance.ts`).
 */
export type ImageSource = RandomAccessImageSource | SequentialImageSource;

/** Transport names as skopeo / containers-image spell them. */
export type TransportName = 'docker' | 'docker-daemon' | 'docker-archive' | 'oci' | 'oci-archive' | 'containers-storage';

/** An OCI platform (`os`/`architecture`[/`variant`]). */
export interface Platform {
  /** Operating system, for example `linux`. */
  readonly os: string;
  /** CPU architecture, for example `amd64` or `arm64`. */
  readonly architecture: string;
  /** CPU variant, for example `v8` or `v7`. */
  readonly variant?: string;
}

/** An OCI content descriptor: how to find a blob and what it holds. */
export interface BlobDescriptor {
  /** Media type, for example `application/vnd.oci.image.layer.v1.tar+gzip`; empty when the source cannot tell. */
  readonly mediaType: string;
  /** `sha256:<hex>` of the blob's bytes as stored (compressed for a compressed layer). */
  readonly digest: string;
  /** Size in bytes as stored; -1 when the source does not know it before reading (docker-archive). */
  readonly size: number;
  /** The digest of the uncompressed layer (`rootfs.diff_ids`), when known. */
  readonly diffId?: string;
  /** Descriptor annotations from the manifest or index. */
  readonly annotations?: Readonly<Record<string, string>>;  /**
   * Where a sequential source's stream carries the blob, when that is not `blobs/<alg>/<hex>`
   * (docker-archive's `<id>/layer.tar` and `<hex>.json`).
   */
  readonly path?: string;
}

/** One image (or attestation manifest) a source holds: one entry per platform of an index. */
export interface ListedImage {
  /** The image manifest's descriptor (for docker-archive, a descriptor of the `manifest.json` entry). */
  readonly manifest: BlobDescriptor;
  /** The platform from the index, when the image came from one. */
  readonly platform?: Platform;
  /** The image config blob. */
  readonly config: BlobDescriptor;
  /** Layer blobs, bottom-up. For an attestation manifest: the attestation documents (in-toto, SBOM). */
  readonly layers: readonly BlobDescriptor[];
  /**
   * Set for an attestation manifest (docker's `vnd.docker.reference.type: attestation-manifest`):
   * the digest of the image manifest it describes. Attestations are scanned too — provenance
   * records build arguments.
   */
  readonly attests?: string;
  /** Tags or reference names the source gives the image (`org.opencontainers.image.ref.name`, RepoTags). */
  readonly names: readonly string[];
}

/** What a source holds: its images and the documents that describe them. */
export interface ImageListing {
  /** Every image and attestation manifest, in the order the source lists them. */
  readonly images: readonly ListedImage[];
  /**
   * The describing documents, by the path they have (or would have) in an OCI image layout or a
   * docker-archive: `index.json`, `manifest.json`, `blobs/sha256/<hex>` for each index and manifest.
   * The scanner searches each of them (annotations and labels can hold values).
   */
  readonly documents: ReadonlyMap<string, Buffer>;
}

/** What every source has. */
interface ImageSourceBase {
  /** The transport the source reads. */
  readonly transport: TransportName;
  /** `transport:reference` as the user wrote it, with any credentials removed; used in reports. */
  readonly name: string;
  /** Release what the source holds open (child processes, files, connections). Safe to call twice. */
  close(): Promise<void>;
}

/** A source that can open any blob, in any order, several at a time. */
export interface RandomAccessImageSource extends ImageSourceBase {
  /** Discriminant. */
  readonly access: 'random';
  /** The images (resolving an index into one entry per platform, attestations included). */
  list(signal: AbortSignal): Promise<ImageListing>;
  /**
   * The bytes of one blob as stored (compressed layers stay compressed). Rejects with `AuditError`
   * when the blob is missing; a stream that ends early or does not match `descriptor.digest` errors.
   */
  openBlob(descriptor: BlobDescriptor, signal: AbortSignal): Promise<Readable>;
}

/** Where a blob's bytes also lie in a file, byte for byte as stored. */
export interface BlobFileRange {
  /** The file (an uncompressed archive file). */
  readonly file: string;
  /** Offset of the blob's first byte in the file; the blob is `size` bytes long. */
  readonly offset: number;
}

/** One file of a sequential source, in stream order. */
export interface StreamedBlob {
  /** Its path in the archive (`blobs/sha256/<hex>`, `<hex>/layer.tar`, `manifest.json`, …). */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** For a symbolic link (docker save links a repeated layer): the path it points to; `body` is empty. */
  readonly linkTo?: string;
  /** The bytes; must be read to the end (or drained) before the next blob is produced. */
  readonly body: AsyncIterable<Uint8Array>;
  /**
   * Set when the same bytes can also be read from a file (an uncompressed archive file): a
   * scanning worker then reads the blob there itself, in parallel with the others, instead of
   * being fed by the thread that reads the stream. `body` must still be read or drained.
   */
  readonly fileRange?: BlobFileRange;
}

/** A source that can only produce its blobs once, in its own order (an archive stream). */
export interface SequentialImageSource extends ImageSourceBase {
  /** Discriminant. */
  readonly access: 'sequential';
  /**
   * Every blob and document, in stream order. The iteration ends only after the producer succeeded
   * (a failed `docker save` rejects with `AuditError`, never ends early in silence).
   */
  blobs(signal: AbortSignal): AsyncIterable<StreamedBlob>;
  /**
   * The images, from the documents that went by; call after {@link SequentialImageSource.blobs}
   * finished (archives list their manifests last).
   */
  list(): ImageListing;
}

/** `linux/arm64/v8`. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join('/');
}
