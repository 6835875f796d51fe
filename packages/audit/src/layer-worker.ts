/**
 * Entry of a scanning worker thread (see `layer-pool.ts`). It compiles the patterns once, then
 * searches each blob it is sent, chunk by chunk, with the same code the main thread uses, and
 * answers with the scan (or why the blob could not be searched).
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { Transform } from 'node:stream';
import { ByteReader } from './byte-reader.js';
import { ContentScanner } from './content-scanner.js';
import { scanBlob, type BlobOutcome } from './layer-blob.js';
import { streamChunks } from './stream-chunks.js';
import type { SecretPattern } from './scanner/patterns.js';
import type { ToWorker, WorkerInit } from './layer-pool.js';

/** Chunks of one blob as they arrive; each one taken by the scanner is acknowledged (back-pressure). */
class Inbox implements AsyncIterable<Uint8Array> {
  readonly #queue: Buffer[] = [];
  #ended = false;
  #wake: (() => void) | undefined;
  constructor(readonly job: number) {}
  put(chunk: Buffer): void {
    this.#queue.push(chunk);
    this.#notify();
  }
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
        parentPort!.postMessage({ type: 'ack', job: this.job, bytes: chunk.length });
        yield chunk;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
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

/** Search a blob read straight from the archive file: this thread reads, decompresses and searches it. */
async function scanFileRange(message: Extract<ToWorker, { type: 'file' }>): Promise<BlobOutcome> {
  const stream = createReadStream(message.file, { start: message.offset, end: message.offset + message.size - 1, highWaterMark: 1 << 20 });
  try {
    return await scanBlob(new ByteReader(exactly(streamChunks(stream), message.size)), message.path, message.format, scanner, active);
  } finally {
    stream.destroy();
  }
}

const init = workerData as WorkerInit;
const patterns: SecretPattern[] = init.patterns.map((p) => ({ ...p, bytes: Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength) }));
const scanner = new ContentScanner(patterns);
const inboxes = new Map<number, Inbox>();
const active = new Set<Transform>();

parentPort!.on('message', (message: ToWorker) => {
  if (message.type === 'begin') {
    const inbox = new Inbox(message.job);
    inboxes.set(message.job, inbox);
    void scanBlob(new ByteReader(inbox), message.path, message.format, scanner, active).then((outcome) => {
      inboxes.delete(message.job);
      parentPort!.postMessage({ type: 'done', job: message.job, outcome });
    });
  } else if (message.type === 'file') {
    void scanFileRange(message).then((outcome) => parentPort!.postMessage({ type: 'done', job: message.job, outcome }));
  } else if (message.type === 'chunk') {
    inboxes.get(message.job)?.put(Buffer.from(message.data));
  } else if (message.type === 'end') {
    inboxes.get(message.job)?.end();
  } else if (message.type === 'crash-for-test') {
    throw new Error('worker crashed on purpose (test)');
  }
});
