import { Readable, pipeline, type Transform } from 'node:stream';
import { ByteReader } from './byte-reader.js';
import { decompressorFor, detectFormat, SNIFF_BYTES, type BlobFormat } from './blob-format.js';
import type { ContentScanner } from './content-scanner.js';
import { scanLayerTar, type LayerScan } from './layer-scanner.js';
import { streamChunks } from './stream-chunks.js';

/** What scanning one blob gave: its scan, or why it could not be searched. */
export type BlobOutcome = { readonly scan: LayerScan } | { readonly unscanned: string };

function emptyScan(): LayerScan {
  return { hits: new Map(), deleted: new Set(), opaque: new Set(), files: 0, bytes: 0 };
}

/**
 * Search one blob of an image (a layer or any other large blob) read from `reader`:
 * decompressed on the fly (format from its magic bytes), then read as a tar entry by entry, or,
 * when it is not a tar, searched as one file. A blob whose compressed data or inner tar is broken
 * comes back as unscanned, naming why, and the reader is drained — the caller fails closed on it.
 * The same function runs on the main thread and in the scanning workers, so both give the same scan.
 * `active` collects the decompressors in flight so the caller can destroy them on abort.
 */
export async function scanBlob(reader: ByteReader, path: string, format: BlobFormat, scanner: ContentScanner, active: Set<Transform>): Promise<BlobOutcome> {
  try {
    return await scanBlobBody(reader, path, format, scanner, active);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason = typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_ZSTD') || code.includes('ZLIB'))
      ? `its ${format} data is corrupt (${code})`
      : err instanceof Error ? err.message.replace(`layer ${path} `, '') : 'it could not be read';
    await reader.drain().catch(() => undefined);
    return { unscanned: reason };
  }
}

async function scanBlobBody(reader: ByteReader, path: string, format: BlobFormat, scanner: ContentScanner, active: Set<Transform>): Promise<BlobOutcome> {
  let body = reader;
  let kind = format;
  const d = decompressorFor(format);
  if (d && 'unsupported' in d) {
    await reader.drain();
    return { unscanned: d.unsupported };
  }
  if (d) {
    active.add(d.stream);
    // Errors surface through iteration of the decompressor, which pipeline destroys on failure.
    pipeline(Readable.from(reader.rest()), d.stream, () => active.delete(d.stream));
    body = new ByteReader(streamChunks(d.stream));
    kind = detectFormat(await body.peek(SNIFF_BYTES));
  }
  if (kind === 'tar') return { scan: await scanLayerTar(body, `layer ${path}`, scanner) };
  // Not a tar (an attestation, an unknown blob): search its bytes as one file.
  const scan = emptyScan();
  const { found, bytes } = await scanner.scanStream(body.rest());
  if (found.size > 0) scan.hits.set('(blob)', found);
  scan.bytes = bytes;
  return { scan };
}
