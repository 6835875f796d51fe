import { AuditError } from '@buildsecrets/base';
import { BLOCK, isZeroBlock, parseHeader, type TarHeader } from './tar-header.js';
import { bodySize, isMetaType, padding, PendingMeta, type TarEntryInfo } from './tar-entry.js';

/** Receives what a {@link TarParser} finds, synchronously, in stream order. */
export interface TarVisitor {
  /** A new entry; return true to be handed its body (then {@link TarVisitor.end} follows it). */
  entry(entry: TarEntryInfo): boolean;
  /** Bytes `[start, end)` of `chunk` are the next part of the accepted entry's body (`chunk` is the caller's buffer, not a copy). */
  body(chunk: Buffer, start: number, end: number): void;
  /** The accepted entry's body is complete (also called for an empty body). */
  end(): void;
}

type State = 'header' | 'meta' | 'body' | 'padding' | 'done';

const EMPTY = Buffer.alloc(0);

/**
 * A tar reader that is fed chunks instead of pulling them: the same format support as
 * `readTar` (ustar, GNU long names and links, PAX), but each chunk is parsed in one synchronous
 * call that hands body slices straight to the visitor. Layers are read this way because every
 * promise hop per chunk of a pulled stream costs more than searching the chunk does.
 */
export class TarParser {
  readonly #visitor: TarVisitor;
  readonly #where: string;
  readonly #meta = new PendingMeta();
  /** A header split across chunks is assembled here. */
  readonly #head = Buffer.alloc(BLOCK);
  #headHave = 0;
  #state: State = 'header';
  /** Body, metadata or padding bytes still expected in the current state. */
  #remaining = 0;
  #accepted = false;
  #pad = 0;
  #metaHeader: TarHeader | undefined;
  #metaBody: Buffer = EMPTY;
  #metaHave = 0;

  constructor(visitor: TarVisitor, where: string) {
    this.#visitor = visitor;
    this.#where = where;
  }

  /** True once the end-of-archive marker was read; later input (record padding) is ignored. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** Parse the next chunk of the stream. Throws {@link AuditError} on a malformed header. */
  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.#state !== 'done') {
      if (this.#state === 'body') {
        const take = Math.min(this.#remaining, chunk.length - at);
        if (this.#accepted) this.#visitor.body(chunk, at, at + take);
        at += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#finishBody();
      } else if (this.#state === 'padding') {
        const take = Math.min(this.#remaining, chunk.length - at);
        at += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = 'header';
      } else if (this.#state === 'meta') {
        const take = Math.min(this.#remaining, chunk.length - at);
        chunk.copy(this.#metaBody, this.#metaHave, at, at + take);
        at += take;
        this.#metaHave += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#finishMeta();
      } else if (this.#headHave === 0 && chunk.length - at >= BLOCK) {
        // The common case: the whole header lies in this chunk, no copy.
        this.#header(chunk.subarray(at, at + BLOCK));
        at += BLOCK;
      } else {
        const take = Math.min(BLOCK - this.#headHave, chunk.length - at);
        chunk.copy(this.#head, this.#headHave, at, at + take);
        at += take;
        this.#headHave += take;
        if (this.#headHave === BLOCK) {
          this.#headHave = 0;
          this.#header(this.#head);
        }
      }
    }
  }

  /** The input ended: throws {@link AuditError} unless the end-of-archive marker was read. */
  end(): void {
    if (this.#state !== 'done') throw new AuditError(`${this.#where} is truncated (the tar stream ended inside an entry)`, { hint: 'the archive is incomplete: save the image again' });
  }

  #header(block: Buffer): void {
    if (isZeroBlock(block)) {
      this.#state = 'done';
      return;
    }
    const header = parseHeader(block, this.#where);
    if (isMetaType(header.type)) {
      PendingMeta.check(header, this.#where);
      this.#metaHeader = header;
      this.#metaBody = Buffer.allocUnsafe(header.size + padding(header.size));
      this.#metaHave = 0;
      if (this.#metaBody.length === 0) this.#finishMeta();
      else this.#enter('meta', this.#metaBody.length);
      return;
    }
    const info = this.#meta.entryFor(header);
    this.#accepted = this.#visitor.entry(info);
    const size = bodySize(info);
    this.#pad = size > 0 ? padding(info.size) : 0;
    this.#remaining = size;
    this.#state = 'body';
    if (size === 0) this.#finishBody();
  }

  #finishBody(): void {
    if (this.#accepted) this.#visitor.end();
    this.#accepted = false;
    this.#enter('padding', this.#pad);
  }

  #finishMeta(): void {
    const header = this.#metaHeader!;
    this.#meta.record(header, this.#metaBody.subarray(0, header.size), this.#where);
    this.#metaBody = EMPTY;
    this.#state = 'header';
  }

  /** Move to `state` expecting `bytes` bytes; with none expected, straight on to the next header. */
  #enter(state: State, bytes: number): void {
    this.#remaining = bytes;
    this.#state = bytes > 0 ? state : 'header';
  }
}
