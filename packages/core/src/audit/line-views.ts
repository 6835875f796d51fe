import { decodeDumpLine, mayStartDump } from './dump-line.js';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
/** Dump lines are < 100 bytes; a longer partial line at a chunk end is not kept for dump decoding. */
const MAX_DUMP_LINE = 256;
const EMPTY = Buffer.alloc(0);

/** Where {@link LineViews} sends what it derives from a stream. */
export interface LineViewSinks {
  /** The stream with line breaks (`\n`, `\r\n`) and the indentation after them removed. */
  joined(bytes: Buffer): void;
  /** The bytes shown by hex-dump lines, in order. */
  dumped(bytes: Buffer): void;
}

/**
 * Derives two views of a byte stream as it arrives, in one pass over its line breaks: the stream
 * with its lines joined (so base64 wrapped at any width, `xxd -p` output and re-indented blocks
 * read as one run) and the bytes of any classic hex dump in it (see {@link decodeDumpLine}).
 * Chunk splits anywhere, including between `\r` and `\n`, give the same views.
 */
export class LineViews {
  readonly #sinks: LineViewSinks;
  /** At a line start: indentation is being skipped. */
  #lineStart = true;
  /** A `\r` ended the last chunk: dropped if a `\n` follows, else passed on. */
  #pendingCr = false;
  /**
   * The start of the current line carried over from earlier chunks, when it may be a dump line and
   * is short enough to keep; `undefined` when the line cannot be one.
   */
  #carried: Buffer | undefined = EMPTY;

  constructor(sinks: LineViewSinks) {
    this.#sinks = sinks;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    if (n === 0) return;
    const out = Buffer.allocUnsafe(n + 1);
    let o = 0;
    let pos = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (chunk[0] !== LF) out[o++] = CR;
    }
    /** Where the current line starts in this chunk (0 when it began in an earlier one). */
    let lineBegin = 0;
    while (pos < n) {
      if (this.#lineStart) {
        while (pos < n && (chunk[pos] === SPACE || chunk[pos] === TAB)) pos++;
        if (pos === n) break;
        this.#lineStart = false;
      }
      const nl = chunk.indexOf(LF, pos);
      const end = nl === -1 ? n : nl;
      let copyEnd = end;
      if (copyEnd > pos && chunk[copyEnd - 1] === CR) {
        copyEnd--;
        if (nl === -1) this.#pendingCr = true;
      }
      o += chunk.copy(out, o, pos, copyEnd);
      if (nl === -1) break;
      this.#decodeLine(chunk, lineBegin, nl);
      this.#carried = EMPTY;
      this.#lineStart = true;
      pos = nl + 1;
      lineBegin = pos;
    }
    if (lineBegin < n) this.#carry(chunk.subarray(lineBegin));
    if (o > 0) this.#sinks.joined(out.subarray(0, o));
  }

  /** End of the stream: a last line without `\n` still counts. */
  end(): void {
    if (this.#pendingCr) this.#sinks.joined(Buffer.from([CR]));
    this.#pendingCr = false;
    if (this.#carried !== undefined && this.#carried.length > 0) this.#decodeLine(EMPTY, 0, 0);
    this.#carried = EMPTY;
    this.#lineStart = true;
  }

  /** Decode the line made of the carried start and `chunk[from..to)`. */
  #decodeLine(chunk: Buffer, from: number, to: number): void {
    const carried = this.#carried;
    if (carried === undefined) return;
    const first = carried.length > 0 ? carried[0] : chunk[from];
    if (!mayStartDump(first)) return;
    const line = carried.length === 0 ? chunk.subarray(from, to) : Buffer.concat([carried, chunk.subarray(from, to)]);
    if (line.length > MAX_DUMP_LINE) return;
    const bytes = decodeDumpLine(line);
    if (bytes) this.#sinks.dumped(bytes);
  }

  /** Keep an unfinished line's start for the next chunk (a copy: the chunk may be reused). */
  #carry(part: Buffer): void {
    const carried = this.#carried;
    if (carried === undefined) return;
    const first = carried.length > 0 ? carried[0] : part[0];
    if (!mayStartDump(first) || carried.length + part.length > MAX_DUMP_LINE) {
      this.#carried = undefined;
      return;
    }
    this.#carried = Buffer.concat([carried, part]);
  }
}
