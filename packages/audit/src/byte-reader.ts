import type { SkippingSource } from './file-chunks.js';

const EMPTY = Buffer.alloc(0);

/**
 * Pulls bytes from an async iterable on demand: exact reads for headers, bounded chunks for
 * bodies. Never reads more than one source chunk ahead, so memory stays at one chunk per stream.
 */
export class ByteReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #buffer: Buffer = EMPTY;
  #ended = false;
  /** Bytes handed out so far (peeked bytes put back do not count). */
  #position = 0;

  /** The source's own skip, when it can move on without reading (a file). */
  readonly #skipper: SkippingSource | undefined;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
    const skipper = source as Partial<SkippingSource>;
    this.#skipper = typeof skipper.skip === 'function' ? (skipper as SkippingSource) : undefined;
  }

  async #fill(): Promise<boolean> {
    while (this.#buffer.length === 0 && !this.#ended) {
      const next = await this.#source.next();
      if (next.done) this.#ended = true;
      else this.#buffer = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    }
    return this.#buffer.length > 0;
  }

  /** How many bytes of the input were consumed: the offset in the input of the next byte read. */
  get position(): number {
    return this.#position;
  }

  /** Up to `n` bytes; fewer only at the end of the input. */
  async read(n: number): Promise<Buffer> {
    if (this.#buffer.length >= n) return this.#take(n);
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n && (await this.#fill())) {
      const part = this.#take(Math.min(n - have, this.#buffer.length));
      parts.push(part);
      have += part.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
  }

  /** The next 1..`max` bytes as they arrive, or an empty buffer at the end of the input. */
  async chunk(max: number): Promise<Buffer> {
    if (!(await this.#fill())) return EMPTY;
    return this.#take(Math.min(max, this.#buffer.length));
  }

  /** Up to `n` bytes without consuming them (fewer only at the end of the input). */
  async peek(n: number): Promise<Buffer> {
    const head = await this.read(n);
    this.#buffer = this.#buffer.length === 0 ? head : Buffer.concat([head, this.#buffer]);
    this.#position -= head.length;
    return head;
  }

  /**
   * Move on `n` bytes: without reading them when the source can skip (a file), else read and
   * dropped. Resolves with how many were passed over (fewer only at the end of the input).
   */
  async skip(n: number): Promise<number> {
    const buffered = Math.min(n, this.#buffer.length);
    this.#take(buffered);
    let left = n - buffered;
    if (left > 0 && this.#skipper && !this.#ended) {
      const skipped = await this.#skipper.skip(left);
      this.#position += skipped;
      left -= skipped;
    }
    while (left > 0) {
      const chunk = await this.chunk(left);
      if (chunk.length === 0) break;
      left -= chunk.length;
    }
    return n - left;
  }

  /** Read and drop everything left, so the producer upstream is never left blocked. */
  async drain(): Promise<void> {
    this.#position += this.#buffer.length;
    this.#buffer = EMPTY;
    while (await this.#fill()) {
      this.#position += this.#buffer.length;
      this.#buffer = EMPTY;
    }
  }

  /** Yield every remaining chunk. */
  async *rest(): AsyncGenerator<Buffer> {
    while (await this.#fill()) yield this.#take(this.#buffer.length);
  }

  #take(n: number): Buffer {
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    this.#position += out.length;
    return out;
  }
}
