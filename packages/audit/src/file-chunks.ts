import { open, type FileHandle } from 'node:fs/promises';

/**
 * A file read chunk by chunk from its start, that can also skip ahead without reading
 * ({@link FileChunks.skip}): reading an archive file, the tar reader jumps over a layer a scanner
 * reads from the file itself, instead of pulling its bytes through this thread.
 */
export class FileChunks implements AsyncIterable<Buffer>, AsyncIterator<Buffer> {
  #handle: FileHandle | undefined;
  #size = 0;
  #position = 0;
  #closed = false;

  constructor(
    readonly path: string,
    readonly chunkSize = 1 << 20,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this;
  }

  async #file(): Promise<FileHandle> {
    if (!this.#handle) {
      this.#handle = await open(this.path, 'r');
      this.#size = (await this.#handle.stat()).size;
    }
    return this.#handle;
  }

  async next(): Promise<IteratorResult<Buffer>> {
    if (this.#closed) return { done: true, value: undefined };
    const file = await this.#file();
    const buffer = Buffer.allocUnsafe(this.chunkSize);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, this.#position);
    if (bytesRead === 0) {
      await this.return();
      return { done: true, value: undefined };
    }
    this.#position += bytesRead;
    return { done: false, value: buffer.subarray(0, bytesRead) };
  }

  /** Move on `n` bytes without reading them; fewer at the end of the file. Resolves with how many. */
  async skip(n: number): Promise<number> {
    await this.#file();
    const skipped = Math.max(0, Math.min(n, this.#size - this.#position));
    this.#position += skipped;
    return skipped;
  }

  async return(): Promise<IteratorResult<Buffer>> {
    this.#closed = true;
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
    return { done: true, value: undefined };
  }
}

/** A source that can skip ahead without reading (see {@link FileChunks}). */
export interface SkippingSource {
  skip(n: number): Promise<number>;
}
