import { createReadStream } from 'node:fs';
import type { Transform } from 'node:stream';
import { ByteReader } from './byte-reader.js';
import type { BlobFormat } from './blob-format.js';
import type { ContentScanner } from './content-scanner.js';
import { scanBlob, type BlobOutcome } from './layer-blob.js';
import { streamChunks } from './stream-chunks.js';

/** A blob to search that lies in a file: `size` bytes at `offset`. */
export interface FileRangeJob {
  readonly path: string;
  readonly format: BlobFormat;
  readonly file: string;
  readonly offset: number;
  readonly size: number;
}

/** Exactly `size` bytes of `chunks`: a file that ends early is an error, never a shorter layer. */
async function* exactly(chunks: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let got = 0;
  for await (const chunk of chunks) {
    got += chunk.length;
    yield chunk;
  }
  if (got !== size) throw new Error(`could not be read from the archive file (${got} of ${size} bytes there)`);
}

/**
 * Read a blob straight from its file and search it (decompressed on the fly, as `scanBlob` does
 * for a stream). Runs in a scanning worker, or on the calling thread when it takes a share of the
 * layers. Never rejects: a file that is missing or shorter than the blob gives an unscanned outcome.
 */
export async function scanFileRange(job: FileRangeJob, scanner: ContentScanner, active: Set<Transform>): Promise<BlobOutcome> {
  const stream = createReadStream(job.file, { start: job.offset, end: job.offset + job.size - 1, highWaterMark: 1 << 20 });
  try {
    return await scanBlob(new ByteReader(exactly(streamChunks(stream), job.size)), job.path, job.format, scanner, active);
  } finally {
    stream.destroy();
  }
}
