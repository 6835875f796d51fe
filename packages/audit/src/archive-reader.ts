import { posix } from 'node:path';
import { Readable, pipeline, type Transform } from 'node:stream';
import { ByteReader } from './byte-reader.js';
import { decompressorFor, detectFormat, SNIFF_BYTES, type BlobFormat } from './blob-format.js';
import type { ContentScanner } from './content-scanner.js';
import { normalisePath, scanLayerTar, type LayerScan } from './layer-scanner.js';
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

function emptyScan(): LayerScan {
  return { hits: new Map(), deleted: new Set(), opaque: new Set(), files: 0, bytes: 0 };
}

/**
 * One streaming pass over an image archive: the outer tar is read entry by entry, each layer is
 * decompressed on the fly (format from its magic bytes) and its own tar read entry by entry, so
 * nothing is extracted to disk and no layer is held in memory. `active` collects the
 * decompressors in flight so the caller can destroy them on failure.
 */
export async function scanArchive(source: Readable | AsyncIterable<Uint8Array>, label: string, scanner: ContentScanner, active: Set<Transform>): Promise<ArchiveScan> {
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
   * A layer whose compressed data or inner tar is broken is recorded as unscanned (naming it and
   * why) and the rest of the archive is still read, so the report lists every broken layer and
   * the caller fails closed on it — the same way for `audit` and for `build`.
   */
  const scanBlob = async (reader: ByteReader, path: string, format: BlobFormat): Promise<void> => {
    try {
      await scanBlobBody(reader, path, format);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const reason = typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_ZSTD') || code.includes('ZLIB'))
        ? `its ${format} data is corrupt (${code})`
        : err instanceof Error ? err.message.replace(`layer ${path} `, '') : 'it could not be read';
      result.unscanned.push({ path, reason });
      await reader.drain();
    }
  };

  const scanBlobBody = async (reader: ByteReader, path: string, format: BlobFormat): Promise<void> => {
    let body = reader;
    let kind = format;
    const inner = decompress(reader, format);
    if (typeof inner === 'string') {
      result.unscanned.push({ path, reason: inner });
      await reader.drain();
      return;
    }
    if (inner) {
      body = inner;
      kind = detectFormat(await inner.peek(SNIFF_BYTES));
    }
    if (kind === 'tar') {
      result.layers.set(path, await scanLayerTar(body, `layer ${path}`, scanner));
      return;
    }
    // Not a tar (an attestation, an unknown blob): search its bytes as one file.
    const scan = emptyScan();
    const { found, bytes } = await scanner.scanStream(body.rest());
    if (found.size > 0) scan.hits.set('(blob)', found);
    scan.bytes = bytes;
    result.layers.set(path, scan);
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
    else await scanBlob(reader, path, format);
  }
  return result;
}
