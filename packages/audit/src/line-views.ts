import { mayStartDump, readDumpLine } from './dump-line.js';
import { DumpRun, isCollapseMark } from './dump-run.js';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const STAR = 0x2a;
/** Dump lines are < 100 bytes; a longer line is never decoded as one. */
const MAX_DUMP_LINE = 256;
/** A line starts a wrapped block when it ends in at least this many encoding bytes (tools wrap at 60+ columns). */
const MIN_WRAPPED_LINE = 16;
/** Pushed to the joined view between runs that do not continue each other (no pattern holds a `\n`). */
const SEPARATOR = Buffer.from([LF]);

/** Bytes of the base64, base64url and hex alphabets (`=` padding included). */
const ALPHABET = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_') ALPHABET[ch.charCodeAt(0)] = 1;

const isHex = (b: number | undefined): boolean => b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46));

/** The cheap test before decoding: 6+ hex digits then `:` or a space (xxd, hexdump -C, od), or ` xx ` (od -An). */
function mayBeDumpLine(buf: Buffer, start: number, end: number): boolean {
  if (buf[start] === SPACE) return isHex(buf[start + 1]) && isHex(buf[start + 2]) && (start + 3 === end || buf[start + 3] === SPACE || buf[start + 3] === CR);
  let i = start;
  while (i < end && i - start < 6 && isHex(buf[i])) i++;
  return i - start === 6 && mayStartDump(buf[start]);
}

/**
 * True when the complete line `buf[start, end)` (without `\n`) adds nothing to either view on its
 * own: it is no dump line and does not end in a run of {@link MIN_WRAPPED_LINE}+ encoding bytes (the
 * run cannot include indentation, so the content is long enough). Most lines are such lines; the
 * test is a plain function so that the per-line loop stays cheap — the line views' cost is per line.
 */
function isOrdinaryLine(buf: Buffer, start: number, end: number): boolean {
  let last = end;
  if (last > start && buf[last - 1] === CR) last--;
  if (last - start >= MIN_WRAPPED_LINE && ALPHABET[buf[last - 1]!] === 1) {
    let run = last - 1;
    const stop = last - MIN_WRAPPED_LINE;
    while (run > stop && ALPHABET[buf[run - 1]!] === 1) run--;
    if (run === stop) return false;
  }
  if (buf[start] === STAR) return !isCollapseMark(buf, start, end);
  return !(end - start <= MAX_DUMP_LINE && mayBeDumpLine(buf, start, end));
}

/** Where {@link LineViews} sends what it derives from a stream. */
export interface LineViewSinks {
  /** Runs of encoded text with the line breaks (and indentation) between them removed. */
  joined(bytes: Buffer): void;
  /** The bytes shown by hex-dump lines, in order. */
  dumped(bytes: Buffer): void;
}

/** A line that began in an earlier chunk: its first bytes and its last `reach` bytes. */
interface PartialLine {
  head: Buffer;
  tail: Buffer;
  length: number;
}

/**
 * Derives two views of a byte stream as it arrives, looking only near line breaks:
 *
 * - **joined**: encoded text wrapped into lines, as one run. A line that ends in 16+ base64 / hex
 *   characters is continued by the next line's leading run of such characters, and a line made
 *   only of them continues the run further, so `base64` (76 columns), PEM (64), `xxd -p` (60)
 *   and other widths, with `\n` or `\r\n`, indented or not, read as the unwrapped text. Only the
 *   last and first `reach` bytes (the longest pattern) around each break are joined: a pattern
 *   that spans a break lies within them.
 * - **dumped**: the bytes that classic hex-dump lines show (see `readDumpLine`), with the lines a
 *   `*` stands for put back (see {@link DumpRun}).
 *
 * Chunk splits anywhere give the same views.
 */
export class LineViews {
  readonly #sinks: LineViewSinks;
  readonly #reach: number;
  /** The break before the current line is joined: its leading run continues the run. */
  #continues = false;
  /** Something was pushed to the joined view since the last separator. */
  #open = false;
  #partial: PartialLine | undefined;
  readonly #dumps: DumpRun;
  /** The number of the current line: a `*` continues a dump only right after a dump line. */
  #index = 0;

  /** `reach`: the longest pattern searched in the joined view; `dumpReach`: in the dumped view. */
  constructor(sinks: LineViewSinks, reach: number, dumpReach = 0) {
    this.#sinks = sinks;
    this.#reach = Math.max(reach, MIN_WRAPPED_LINE);
    this.#dumps = new DumpRun(dumpReach);
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) break;
      this.#index++;
      if (this.#partial) {
        this.#extend(chunk.subarray(0, nl));
        const p = this.#partial;
        this.#partial = undefined;
        this.#line(p.head, 0, p.head.length, p.tail, 0, p.tail.length, p.length);
      } else if (this.#continues || !isOrdinaryLine(chunk, start, nl)) {
        this.#line(chunk, start, nl, chunk, start, nl, nl - start);
      }
      start = nl + 1;
    }
    if (start < n) this.#extend(chunk.subarray(start));
  }

  /** End of the stream: a last line without `\n` still counts. */
  end(): void {
    const p = this.#partial;
    this.#partial = undefined;
    this.#index++;
    if (p) this.#line(p.head, 0, p.head.length, p.tail, 0, p.tail.length, p.length);
    this.#close();
    this.#continues = false;
  }

  /** Add bytes of an unfinished line, keeping only its head and its last `reach` bytes (copies: chunks may be reused). */
  #extend(part: Buffer): void {
    const keep = Math.max(MAX_DUMP_LINE, this.#reach);
    const p = this.#partial ?? { head: Buffer.alloc(0), tail: Buffer.alloc(0), length: 0 };
    if (p.head.length < keep) p.head = Buffer.concat([p.head, part.subarray(0, keep - p.head.length)]);
    p.tail = Buffer.concat([p.tail, part.subarray(Math.max(0, part.length - this.#reach))]);
    if (p.tail.length > this.#reach) p.tail = p.tail.subarray(p.tail.length - this.#reach);
    p.length += part.length;
    this.#partial = p;
  }

  /**
   * One complete line (without `\n`): `head[hs..he)` holds its first bytes (all of it when short),
   * `tail[ts..te)` its last bytes, `length` its full length. Indexes rather than slices: this runs
   * once per line of every file, and a slice costs more than the checks.
   */
  #line(head: Buffer, hs: number, he: number, tail: Buffer, ts: number, te: number, length: number): void {
    if (length <= MAX_DUMP_LINE && he - hs === length) {
      if (mayBeDumpLine(head, hs, he)) {
        const shown = readDumpLine(head.subarray(hs, he));
        if (shown) {
          // A run the offsets cannot continue is still searched as one: dumped bytes are only searched, never reported.
          const leftOut = this.#dumps.next(shown, this.#index);
          if (leftOut !== undefined && leftOut.length > 0) this.#sinks.dumped(leftOut);
          this.#sinks.dumped(shown.bytes);
        }
      } else if (isCollapseMark(head, hs, he)) {
        this.#dumps.collapse(this.#index);
      }
    }
    const reach = this.#reach;
    // Content: without the `\r` of `\r\n` and without indentation.
    let tailEnd = te;
    if (tailEnd > ts && tail[tailEnd - 1] === CR) tailEnd--;
    let lead = hs;
    while (lead < he && (head[lead] === SPACE || head[lead] === TAB)) lead++;
    const contentLength = length - (lead - hs) - (te - tailEnd);
    if (this.#continues) {
      // Leading run (bounded by reach): only a line after one that starts a block is read from its start.
      let runEnd = lead;
      const leadLimit = Math.min(he, lead + reach, lead + Math.max(0, contentLength));
      while (runEnd < leadLimit && ALPHABET[head[runEnd]!] === 1) runEnd++;
      if (runEnd > lead) this.#push(head.subarray(lead, runEnd));
      if (contentLength > 0 && runEnd - lead === contentLength) return; // a line of encoding only: the run goes on
      this.#close();
      this.#continues = false;
    }
    // The common case, an ordinary line: too short, or not ending in an encoding character.
    if (contentLength < MIN_WRAPPED_LINE || ALPHABET[tail[tailEnd - 1]!] !== 1) return;
    // Trailing run (bounded by reach): does this line start a wrapped block?
    let runStart = tailEnd;
    const tailLimit = Math.max(ts, tailEnd - reach, tailEnd - Math.max(0, contentLength));
    while (runStart > tailLimit && ALPHABET[tail[runStart - 1]!] === 1) runStart--;
    this.#continues = tailEnd - runStart >= MIN_WRAPPED_LINE;
    if (this.#continues) {
      this.#close();
      this.#push(tail.subarray(runStart, tailEnd));
    }
  }

  #push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#sinks.joined(bytes);
    this.#open = true;
  }

  #close(): void {
    if (!this.#open) return;
    this.#sinks.joined(SEPARATOR);
    this.#open = false;
  }
}
