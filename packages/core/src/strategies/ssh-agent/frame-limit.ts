import { Transform, type TransformCallback } from 'node:stream';

/** Largest agent message accepted: a sign request for an SSH session is a few hundred bytes. */
export const MAX_AGENT_MESSAGE = 256 * 1024;

/**
 * Sits between the socket and ssh2's AgentProtocol. The protocol buffers a message until its
 * declared length has arrived and has no upper bound, so a client announcing 4 GiB could make
 * us hold memory without end: this refuses such frames. It also reports each message type so
 * refused requests (add, remove, lock, …) can be logged.
 */
export class FrameLimit extends Transform {
  #header = Buffer.alloc(0);
  #remaining = 0;
  #typePending = false;
  readonly #onMessage: (type: number) => void;

  constructor(onMessage: (type: number) => void) {
    super();
    this.#onMessage = onMessage;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let p = 0;
    while (p < chunk.length) {
      if (this.#remaining > 0) {
        if (this.#typePending) {
          this.#onMessage(chunk[p] ?? -1);
          this.#typePending = false;
        }
        const take = Math.min(this.#remaining, chunk.length - p);
        this.#remaining -= take;
        p += take;
        continue;
      }
      const part = chunk.subarray(p, p + 4 - this.#header.length);
      this.#header = Buffer.concat([this.#header, part]);
      p += part.length;
      if (this.#header.length < 4) break;
      const length = this.#header.readUInt32BE(0);
      this.#header = Buffer.alloc(0);
      if (length === 0 || length > MAX_AGENT_MESSAGE) {
        done(new Error(`agent message of ${length} bytes refused`));
        return;
      }
      this.#remaining = length;
      this.#typePending = true;
    }
    done(null, chunk);
  }
}
