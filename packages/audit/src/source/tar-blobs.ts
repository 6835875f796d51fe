import { posix } from 'node:path';
import { ByteReader } from '../byte-reader.js';
import { normalisePath } from '../layer-scanner.js';
import { readTar } from '../tar-reader.js';
import type { StreamedBlob } from './image-source.js';

/** Describing documents are small JSON files; a larger one is a blob (and scanned as such). */
const MAX_DOCUMENT = 32 << 20;
const EMPTY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** `{` or `[`: docker-archive's manifest.json is an array, everything else an object. */
const isJsonStart = (byte: number | undefined): boolean => byte === 0x7b || byte === 0x5b;

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The entries of an image archive tar (docker-archive or OCI layout) as {@link StreamedBlob}s, in
 * stream order. JSON files up to 32 MiB are read whole and copied into `documents` (the archive's
 * manifests, index and configs, needed for the listing at the end) and handed on from memory;
 * everything else streams through. A blob the consumer did not read is drained before the next.
 * With `file` (the archive file `outer` reads from its first byte), each streamed blob also says
 * where its bytes lie in that file.
 */
export async function* tarBlobs(outer: ByteReader, label: string, documents: Map<string, Buffer>, file?: string): AsyncGenerator<StreamedBlob> {
  for await (const entry of readTar(outer, label)) {
    const path = normalisePath(entry.path);
    if (entry.type === 'symlink') {
      yield { path, size: 0, linkTo: normalisePath(posix.normalize(posix.join(posix.dirname(path), entry.linkPath))), body: EMPTY };
      continue;
    }
    if (entry.type !== 'file') continue;
    // The header is read: the outer reader stands at the entry's first byte.
    const offset = outer.position;
    const reader = new ByteReader(entry.body);
    if (entry.size <= MAX_DOCUMENT && entry.size > 0 && isJsonStart((await reader.peek(1))[0])) {
      const doc = await reader.read(entry.size);
      documents.set(path, doc);
      yield { path, size: entry.size, body: once(doc) };
      continue;
    }
    yield { path, size: entry.size, body: reader.rest(), ...(file !== undefined ? { fileRange: { file, offset } } : {}) };
    // From a file, what the consumer left is skipped by the tar reader without being read.
    if (file === undefined) await reader.drain();
  }
}
