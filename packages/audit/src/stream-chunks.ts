import type { Readable } from 'node:stream';

/**
 * Iterate a byte stream chunk by chunk as it produced them. A readable's own async iterator calls
 * `read()`, which concatenates everything buffered into one new buffer — with deep buffers that is
 * a large copy per step; flowing mode hands over each chunk as is. At most `maxQueued` chunks wait
 * here before the stream is paused.
 */
export async function* streamChunks(stream: Readable, maxQueued = 8): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    if (queue.length >= maxQueued) stream.pause();
    notify();
  };
  const onEnd = (): void => {
    ended = true;
    notify();
  };
  const onError = (error: unknown): void => {
    failure = { error };
    notify();
  };
  const onClose = (): void => {
    // Destroyed without 'end' (for example killed): treat as the end; the reader reports truncation.
    ended = true;
    notify();
  };
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.once('error', onError);
  stream.once('close', onClose);
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        if (queue.length < maxQueued / 2 && stream.isPaused()) stream.resume();
        yield next;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) return;
      if (stream.isPaused()) stream.resume();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.off('close', onClose);
  }
}
