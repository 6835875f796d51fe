/**
 * A blob read as a stream whose bytes are hashed on the way through: when the stream ends, the
 * digest and length must match what was asked for, otherwise the iterator throws
 * {@link DigestMismatchError} — the scanner never finishes a blob whose bytes are not the image's.
 * A connection lost mid-blob is resumed with a `Range` request from the last byte received.
 */
import { createHash, type Hash } from 'node:crypto';
import { DigestMismatchError } from './registry-errors.js';

/** Opens the blob at `offset` (a Range request past 0); yields its bytes from there. */
export type BlobOpener = (offset: number, attempt: number) => Promise<AsyncIterable<Uint8Array>>;

function hasherFor(digest: string): Hash {
  const algorithm = digest.split(':')[0];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new DigestMismatchError(`digest ${digest} uses an algorithm the audit cannot verify`);
  return createHash(algorithm);
}

/**
 * Yield the blob `digest` (of `size` bytes when known), verifying as it streams.
 * `retry(err, attempt)` decides whether a failed read is resumed (it may wait first); it throws to give up.
 */
export async function* verifiedBlob(digest: string, size: number | undefined, open: BlobOpener, retry: (err: unknown, attempt: number) => Promise<void>, label: string): AsyncGenerator<Uint8Array> {
  const hash = hasherFor(digest);
  let received = 0;
  for (let attempt = 0; ; attempt++) {
    // Opening already retried inside the request; only a body that breaks off is resumed here.
    const body = await open(received, attempt);
    try {
      for await (const chunk of body) {
        received += chunk.length;
        if (size !== undefined && received > size) throw new DigestMismatchError(`${label} is longer than the ${size} bytes its descriptor gives`);
        hash.update(chunk);
        yield chunk;
      }
      break;
    } catch (err) {
      if (err instanceof DigestMismatchError) throw err;
      await retry(err, attempt);
    }
  }
  const actual = `${digest.split(':')[0]}:${hash.digest('hex')}`;
  if (size !== undefined && received !== size) throw new DigestMismatchError(`${label} has ${received} bytes, its descriptor says ${size}`);
  if (actual !== digest) throw new DigestMismatchError(`${label} does not match its digest (the registry sent ${actual})`, { hint: 'the registry or something between it and you altered the blob; nothing from it is trusted' });
}
