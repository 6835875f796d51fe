/**
 * Read ahead from an async iterable into a bounded in-memory queue, so the next layers download
 * while the current one is scanned; when `maxBytes` are waiting the reader pauses (no disk, bounded
 * memory). Errors reach the consumer at the point in the stream where they happened.
 */
export class Prefetch implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private done = false;
  private error: { err: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;
  private started = false;
  private stopped = false;

  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly maxBytes: number,
  ) {}

  /** Begin reading ahead (idempotent). */
  start(): this {
    if (this.started) return this;
    this.started = true;
    void this.pump();
    return this;
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        if (this.queued >= this.maxBytes) {
          await new Promise<void>((r) => (this.wakeProducer = r));
          continue;
        }
        const next = await this.source.next();
        if (next.done) break;
        this.queue.push(next.value);
        this.queued += next.value.length;
        this.wakeConsumer?.();
      }
    } catch (err) {
      this.error = { err };
    }
    this.done = true;
    this.wakeConsumer?.();
  }

  /** Stop reading and release the source (for example on failure elsewhere). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeProducer?.();
    await this.source.return?.().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    this.start();
    try {
      for (;;) {
        const chunk = this.queue.shift();
        if (chunk) {
          this.queued -= chunk.length;
          this.wakeProducer?.();
          yield chunk;
          continue;
        }
        if (this.done) {
          if (this.error) throw this.error.err;
          return;
        }
        await new Promise<void>((r) => (this.wakeConsumer = r));
        this.wakeConsumer = undefined;
      }
    } finally {
      if (!this.done) await this.stop();
    }
  }
}
