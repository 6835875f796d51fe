import { Readable, pipeline, type Transform } from 'node:stream';
import { ByteReader } from './byte-reader.js';
import { decompressorFor, detectFormat, SNIFF_BYTES, type BlobFormat } from './blob-format.js';
import type { ContentScanner } from './content-scanner.js';
import { scanBlob, type BlobOutcome } from './layer-blob.js';
import type { LayerPool } from './layer-pool.js';
import type { LayerScan } from './layer-scanner.js';
import { streamChunks } from './stream-chunks.js';
import type { BlobFileRange, StreamedBlob } from './source/image-source.js';
import { tarBlobs } from './source/tar-blobs.js';

/** Everything learned from one pass over the outer archive. */
export interface ArchiveScan {
  /** Small non-layer files (manifest.json, index.json, configs, OCI manifests), kept for the end. */
  readonly docs: Map<string, Buffer>;
  /** Scanned layers (and other large blobs) by archive path. */
  readonly layers: Map<string, LayerScan>;
  /** Symbolic links in the outer archive (docker save links repeated layers), path → target. */
  readonly links: Map<string, string>;
  /** Blobs that could not be searched, by archive path. */
  readonly unscanned: { path: string; reason: string }[];
}

/** JSON documents in an image archive are small; a larger non-tar file is treated as a blob. */
const MAX_DOCUMENT = 32 << 20;

/** Scans blobs into an {@link ArchiveScan}, whichever way they arrive. */
export interface BlobScan {
  readonly result: ArchiveScan;
  /** Classify one blob by its magic bytes and scan it (or hand it to a worker): a small document is kept, a layer scanned. */
  scanEntry(path: string, size: number, reader: ByteReader, fileRange?: BlobFileRange): Promise<void>;
  /** Decompress a whole-archive gzip stream (a `.tar.gz` OCI archive). */
  outer(reader: ByteReader): Promise<ByteReader>;
  /** Wait for every blob handed to a worker and record the outcomes in the order the blobs came. */
  finish(): Promise<ArchiveScan>;
}

/**
 * `active` collects the decompressors in flight so the caller can destroy them on failure; with a
 * `pool`, large blobs are searched by the scanning workers while the caller reads on.
 */
export function blobScan(scanner: ContentScanner, active: Set<Transform>, pool?: LayerPool): BlobScan {
  const result: ArchiveScan = { docs: new Map(), layers: new Map(), links: new Map(), unscanned: [] };

  const decompress = (reader: ByteReader, format: BlobFormat): ByteReader | string | undefined => {
    const d = decompressorFor(format);
    if (!d) return undefined;
    if ('unsupported' in d) return d.unsupported;
    active.add(d.stream);
    // Errors surface through iteration of the decompressor, which pipeline destroys on failure.
    pipeline(Readable.from(reader.rest()), d.stream, () => active.delete(d.stream));
    return new ByteReader(streamChunks(d.stream));
  };

  /**
   * Blobs go to the scanning workers when there is a pool (several layers are searched at once
   * while this thread reads on), else are searched here. Outcomes are recorded in archive order
   * either way, so the report is the same; a broken layer is recorded as unscanned (naming it and
   * why) and the rest is still read — the caller fails closed on it, for `audit` and `build` alike.
   */
  const pending: { path: string; outcome: Promise<BlobOutcome> }[] = [];
  const scanOne = async (reader: ByteReader, path: string, format: BlobFormat, size: number, fileRange?: BlobFileRange): Promise<void> => {
    if (pool?.wants(size) && fileRange) {
      // A worker reads the blob from the file itself; this thread only skips over it (the caller drains).
      pending.push({ path, outcome: pool.scanFile(path, format, fileRange, size) });
    } else if (pool?.wants(size)) {
      const { sent, outcome } = pool.scan(path, format, reader.rest());
      pending.push({ path, outcome });
      await sent;
    }
    else pending.push({ path, outcome: Promise.resolve(await scanBlob(reader, path, format, scanner, active)) });
  };

  return {
    result,
    async scanEntry(path, size, reader, fileRange) {
      const format = detectFormat(await reader.peek(SNIFF_BYTES));
      if (format === 'other' && size >= 0 && size <= MAX_DOCUMENT) result.docs.set(path, await reader.read(size));
      else if (format === 'other' && size < 0) {
        const whole = await readSmall(reader);
        if (whole) result.docs.set(path, whole);
        else await scanOne(reader, path, format, size);
      } else await scanOne(reader, path, format, size, fileRange);
    },
    async outer(reader) {
      if (detectFormat(await reader.peek(SNIFF_BYTES)) !== 'gzip') return reader;
      const inner = decompress(reader, 'gzip');
      return inner instanceof ByteReader ? inner : reader;
    },
    async finish() {
      // Everything is read: this thread can search a share of the layers read from files.
      pool?.releaseLocal();
      for (const { path, outcome } of pending.splice(0)) {
        const done = await outcome;
        if ('scan' in done) result.layers.set(path, done.scan);
        else result.unscanned.push({ path, reason: done.unscanned });
      }
      return result;
    },
  };
}

/** A blob of unknown size: its bytes when it fits a document, else undefined (nothing consumed). */
async function readSmall(reader: ByteReader): Promise<Buffer | undefined> {
  const head = await reader.peek(MAX_DOCUMENT + 1);
  if (head.length > MAX_DOCUMENT) return undefined;
  return reader.read(head.length);
}

/**
 * Scan the blobs of a sequential source as they come: links are recorded (docker save links a
 * repeated layer), documents kept, layers decompressed on the fly and their tars read entry by
 * entry — nothing is extracted to disk and no layer is held in memory (with a `pool`, queued
 * layer bytes are capped by the pool).
 */
export async function scanSequential(blobs: AsyncIterable<StreamedBlob>, scanner: ContentScanner, active: Set<Transform>, pool?: LayerPool): Promise<ArchiveScan> {
  const scan = blobScan(scanner, active, pool);
  for await (const blob of blobs) {
    if (blob.linkTo !== undefined) scan.result.links.set(blob.path, blob.linkTo);
    else await scan.scanEntry(blob.path, blob.size, new ByteReader(blob.body), blob.fileRange);
  }
  return scan.finish();
}

/**
 * One streaming pass over an image archive tar (optionally gzip-compressed as a whole): the
 * {@link scanSequential} of its entries. `active` collects the decompressors in flight so the
 * caller can destroy them on failure.
 */
export async function scanArchive(source: Readable | AsyncIterable<Uint8Array>, label: string, scanner: ContentScanner, active: Set<Transform>, pool?: LayerPool): Promise<ArchiveScan> {
  const scan = blobScan(scanner, active, pool);
  const outer = await scan.outer(new ByteReader(source instanceof Readable ? streamChunks(source) : source));
  return scanSequential(tarBlobs(outer, label, new Map()), scanner, active, pool);
}
