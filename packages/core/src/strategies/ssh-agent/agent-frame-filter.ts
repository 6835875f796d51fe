import { Transform, type TransformCallback } from 'node:stream';

/** Largest agent message accepted: a sign request for an SSH session is a few hundred bytes. */
export const MAX_AGENT_MESSAGE = 256 * 1024;
/** SSH_AGENTC_REQUEST_IDENTITIES and SSH_AGENTC_SIGN_REQUEST: the only requests passed on. */
export const SERVED_REQUEST_TYPES: ReadonlySet<number> = new Set([11, 13]);

/**
 * Sits between the socket and ssh2's AgentProtocol and does two jobs the protocol does not:
 * - it refuses frames announcing more than {@link MAX_AGENT_MESSAGE} (the protocol buffers a
 *   message until its declared length arrives, with no upper bound);
 * - it strips the body of every request other than list and sign, passing on only the type
 *   byte. ssh2 answers unknown types with SSH_AGENT_FAILURE, in order, but does not skip their
 *   body, so an `ssh-add <key>` or OpenSSH's session-bind extension would desync the stream.
 */
export class AgentFrameFilter extends Transform {
  #header = Buffer.alloc(0);
  #length = 0;
  #remaining = 0;
  #needType = false;
  #pass = false;
  readonly #onRefused: (type: number) => void;

  /** `onRefused` is told the type of each request that will get a failure reply. */
  constructor(onRefused: (type: number) => void) {
    super();
    this.#onRefused = onRefused;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const out: Buffer[] = [];
    let p = 0;
    while (p < chunk.length) {
      if (this.#needType) {
        const type = chunk[p++] ?? 0;
        this.#needType = false;
        this.#remaining = this.#length - 1;
        this.#pass = SERVED_REQUEST_TYPES.has(type);
        const head = Buffer.alloc(5);
        head.writeUInt32BE(this.#pass ? this.#length : 1);
        head[4] = type;
        out.push(head);
        if (!this.#pass) this.#onRefused(type);
      } else if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - p);
        if (this.#pass) out.push(chunk.subarray(p, p + take));
        this.#remaining -= take;
        p += take;
      } else {
        const part = chunk.subarray(p, p + 4 - this.#header.length);
        this.#header = Buffer.concat([this.#header, part]);
        p += part.length;
        if (this.#header.length < 4) break;
        this.#length = this.#header.readUInt32BE(0);
        this.#header = Buffer.alloc(0);
        if (this.#length === 0 || this.#length > MAX_AGENT_MESSAGE) {
          done(new Error(`agent message of ${this.#length} bytes refused`));
          return;
        }
        this.#needType = true;
      }
    }
    done(null, Buffer.concat(out));
  }
}
