import { finished } from 'node:stream/promises';
import type { Transform } from 'node:stream';
import { blobScan, type ArchiveScan } from './archive-reader.js';
import { ByteReader } from './byte-reader.js';
import type { ContentScanner } from './content-scanner.js';
import type { BlobDescriptor, ImageListing, RandomAccessImageSource } from './source/image-source.js';
import { blobPath } from './source/read-listing.js';
import { streamChunks } from './stream-chunks.js';

/** Blobs scanned at once: enough to overlap a registry's latency, few enough for two cores. */
export const DEFAULT_BLOB_CONCURRENCY = 4;

/**
 * Scan every config and layer blob of a random-access source, `concurrency` at a time, each once
 * (a layer shared by two platforms is read once). A blob that fails its digest check, or cannot be
 * opened, fails the whole scan: bytes that are not the image's prove nothing.
 */
export async function scanRandomAccess(source: RandomAccessImageSource, listing: ImageListing, signal: AbortSignal, scanner: ContentScanner, active: Set<Transform>, concurrency = DEFAULT_BLOB_CONCURRENCY): Promise<ArchiveScan> {
  const scan = blobScan(scanner, active);
  for (const [path, doc] of listing.documents) scan.result.docs.set(path, doc);
  const blobs = new Map<string, BlobDescriptor>();
  for (const image of listing.images) for (const d of [image.config, ...image.layers]) blobs.set(d.path ?? blobPath(d.digest), d);
  const queue = [...blobs];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [path, descriptor] = next;
      const readable = await source.openBlob(descriptor, signal);
      const done = finished(readable);
      done.catch(() => undefined);
      const reader = new ByteReader(streamChunks(readable));
      await scan.scanEntry(path, descriptor.size, reader);
      await reader.drain();
      await done;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
  return scan.result;
}
