import { pipeline, Readable } from 'node:stream';
import { AbortedError, isBuildSecretsError, AuditError } from '@buildsecrets/base';
import type { ArchiveStream } from '../archive-stream.js';
import { decompressorFor, detectFormat, SNIFF_BYTES } from '../blob-format.js';
import { ByteReader } from '../byte-reader.js';
import { FileChunks } from '../file-chunks.js';
import { streamChunks } from '../stream-chunks.js';
import type { ImageListing, SequentialImageSource, StreamedBlob, TransportName } from './image-source.js';
import { readListing } from './read-listing.js';
import { tarBlobs } from './tar-blobs.js';

/** After a read failure, how long to wait for the producer (`docker save`) to report its own, better, error. */
const PRODUCER_GRACE_MS = 2_000;

async function producerError(archive: ArchiveStream): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PRODUCER_GRACE_MS)));
  try {
    return await Promise.race([archive.finished().then(() => undefined, (e: unknown) => e), grace]);
  } finally {
    clearTimeout(timer);
  }
}

function readFailure(err: unknown, label: string): Error {
  if (isBuildSecretsError(err)) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return new AuditError(`${label} was not found`, { cause: err, hint: 'check the path to the archive' });
  if (typeof code === 'string' && code.startsWith('Z_')) return new AuditError(`${label} could not be decompressed (corrupt gzip data)`, { cause: err });
  return new AuditError(`could not read ${label}`, { cause: err });
}

/**
 * A {@link SequentialImageSource} over an image archive tar — docker-archive or OCI layout,
 * optionally gzip-compressed as a whole — produced by `open` (a file, `docker save`, `podman save`).
 * One pass: entries are handed on in stream order, the describing documents are kept for
 * {@link SequentialImageSource.list}. Each call of `blobs` opens the producer anew. `label` names
 * the source in error messages (`image app:ci`, `archive ./app.tar`).
 */
export function tarStreamSource(transport: TransportName, name: string, open: () => ArchiveStream, label = name): SequentialImageSource {
  const documents = new Map<string, Buffer>();
  const opened = new Set<ArchiveStream>();
  let finished = false;
  return {
    access: 'sequential',
    transport,
    name,
    async *blobs(signal: AbortSignal): AsyncGenerator<StreamedBlob> {
      if (signal.aborted) throw new AbortedError(`reading ${label} was cancelled`);
      documents.clear();
      finished = false;
      const archive = open();
      opened.add(archive);
      const stop = (): void => archive.destroy();
      signal.addEventListener('abort', stop, { once: true });
      try {
        // A file is read by position, so that layers scanners read themselves are skipped, not read.
        if (archive.file !== undefined) {
          // Its stream is not read: closed at once (its own open error, if any, is the same as ours).
          archive.stream.on('error', () => undefined);
          archive.stream.destroy();
        }
        let outer = new ByteReader(archive.file !== undefined ? new FileChunks(archive.file) : streamChunks(archive.stream));
        // Entry offsets in a plain archive file are offsets in the file: workers can read layers there.
        let file = archive.file;
        if (detectFormat(await outer.peek(SNIFF_BYTES)) === 'gzip') {
          const gunzip = decompressorFor('gzip');
          if (gunzip && 'stream' in gunzip) {
            pipeline(Readable.from(outer.rest()), gunzip.stream, () => undefined);
            outer = new ByteReader(streamChunks(gunzip.stream));
            file = undefined;
          }
        }
        yield* tarBlobs(outer, label, documents, file);
        await archive.finished();
        finished = true;
      } catch (err) {
        if (signal.aborted) throw new AbortedError(`reading ${name} was cancelled`);
        // A truncated stream usually means the producer failed: its message says why.
        throw (await producerError(archive)) ?? readFailure(err, label);
      } finally {
        signal.removeEventListener('abort', stop);
        archive.destroy();
        opened.delete(archive);
      }
    },
    list(): ImageListing {
      if (!finished) throw new AuditError(`the images of ${name} are known only after all its blobs were read`);
      return readListing(documents);
    },
    async close(): Promise<void> {
      for (const archive of opened) archive.destroy();
      opened.clear();
    },
  };
}
