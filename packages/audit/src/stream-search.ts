import type { SetMatcher } from './scanner/skip-matcher.js';

const EMPTY = Buffer.alloc(0);

/**
 * One stream's search in progress: chunks are pushed as they arrive and searched at once, also
 * across chunk boundaries — the last (longest − 1) bytes of a chunk are searched again together
 * with the start of the next. Synchronous, so a caller that already holds a chunk pays no hop.
 */
export class StreamSearch {
  /** Indexes of the patterns found so far. */
  readonly found = new Set<number>();
  /** Bytes pushed so far. */
  bytes = 0;
  readonly #matcher: SetMatcher | undefined;
  readonly #overlap: number;
  readonly #onMatch = (index: number): void => {
    this.found.add(index);
  };
  #carry: Buffer = EMPTY;

  /** `matcher` undefined: there is nothing to look for, only bytes are counted. */
  constructor(matcher: SetMatcher | undefined) {
    this.#matcher = matcher;
    this.#overlap = Math.max(0, (matcher?.longest ?? 0) - 1);
  }

  /** Search the next chunk of the stream. The chunk's tail is kept (not copied) until the next push. */
  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    const matcher = this.#matcher;
    if (!matcher || chunk.length === 0) return;
    const overlap = this.#overlap;
    const carry = this.#carry;
    if (carry.length > 0) matcher.find(Buffer.concat([carry, chunk.subarray(0, overlap)]), this.#onMatch);
    matcher.find(chunk, this.#onMatch);
    this.#carry = chunk.length >= overlap ? chunk.subarray(chunk.length - overlap) : Buffer.concat([carry, chunk]).subarray(-overlap);
  }
}
