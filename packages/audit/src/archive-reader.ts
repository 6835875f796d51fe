import { posix } from 'node:path';
import { Readable, pipeline, type Transform } from 'node:stream';
import { ByteReader } from './byte-reader.js';
import { decompressorFor, detectFormat, SNIFF_BYTES, type BlobFormat } from './blob-format.js';
import type { ContentScanner } from './content-scanner.js';
import { scanBlob, type BlobOutcome } from './layer-blob.js';
import type { LayerPool } from './layer-pool.js';
import { normalisePath, type LayerScan } from './layer-scanner.js';
import { streamChunks } from './stream-chunks.js';
import { readTar } from './tar-reader.js';

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

/**
 * One streaming pass over an image archive: the outer tar is read entry by entry, each layer is
 * decompressed on the fly (format from its magic bytes) and its own tar read entry by entry, so
 * nothing is extracted to disk and no layer is held in memory. `active` collects the
 * decompressors in flight so the caller can destroy them on failure.
 */
export async function scanArchive(source: Readable | AsyncIterable<Uint8Array>, label: string, scanner: ContentScanner, active: Set<Transform>, pool?: LayerPool): Promise<ArchiveScan> {
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
  const scanOne = async (reader: ByteReader, path: string, format: BlobFormat, size: number): Promise<void> => {
    if (pool?.wants(size)) {
      const { sent, outcome } = pool.scan(path, format, reader.rest());
      pending.push({ path, outcome });
      await sent;
    }
    else pending.push({ path, outcome: Promise.resolve(await scanBlob(reader, path, format, scanner, active)) });
  };

  let outer = new ByteReader(source instanceof Readable ? streamChunks(source) : source);
  const outerFormat = detectFormat(await outer.peek(SNIFF_BYTES));
  if (outerFormat === 'gzip') {
    const inner = decompress(outer, outerFormat);
    if (inner instanceof ByteReader) outer = inner;
  }
  for await (const entry of readTar(outer, label)) {
    const path = normalisePath(entry.path);
    if (entry.type === 'symlink') result.links.set(path, normalisePath(posix.normalize(posix.join(posix.dirname(path), entry.linkPath))));
    if (entry.type !== 'file') continue;
    const reader = new ByteReader(entry.body);
    const format = detectFormat(await reader.peek(SNIFF_BYTES));
    if (format === 'other' && entry.size <= MAX_DOCUMENT) result.docs.set(path, await reader.read(entry.size));
    else await scanOne(reader, path, format, entry.size);
  }
  for (const { path, outcome } of pending) {
    const done = await outcome;
    if ('scan' in done) result.layers.set(path, done.scan);
    else result.unscanned.push({ path, reason: done.unscanned });
  }
  return result;
}
