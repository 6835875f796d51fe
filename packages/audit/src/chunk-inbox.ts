/**
 * The chunks of one blob as they arrive, read by a scanner as an async iterable. Each chunk the
 * scanner takes is reported to `onTake` (the producer's back-pressure counts bytes queued, not
 * bytes sent). Used by a scanning worker for the chunks posted to it, and by the calling thread
 * for the layers of a stream it searches itself.
 */
export class ChunkInbox implements AsyncIterable<Buffer> {
  readonly #queue: Buffer[] = [];
  readonly #onTake: (bytes: number) => void;
  #ended = false;
  #wake: (() => void) | undefined;

  constructor(onTake: (bytes: number) => void) {
    this.#onTake = onTake;
  }

  put(chunk: Buffer): void {
    this.#queue.push(chunk);
    this.#notify();
  }

  /** No more chunks: the scanner sees the end of the blob once it has taken the queued ones. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = this.#queue.shift();
      if (chunk) {
        this.#onTake(chunk.length);
        yield chunk;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}
