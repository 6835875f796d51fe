import { DumpRun, isCollapseMark, readDumpLine, type DumpLine } from '@buildsecrets/audit';
import { lineContent } from './log-line.js';
import { ALPHABET, MAX_DUMP_LINE, MIN_WRAPPED_LINE, skipOrdinaryLines, type OrdinaryTest } from './ordinary-lines.js';
import type { Matcher } from '@buildsecrets/audit';

/** What the line masker searches with. */
export interface LineMaskSpec {
  /** The base64 / base64url / hex forms, searched in the joined text of wrapped lines. */
  readonly joined?: Matcher;
  readonly joinedReplacements: readonly Buffer[];
  /** The raw values, searched in the bytes that hex-dump lines show. */
  readonly dumped?: Matcher;
  readonly dumpedReplacements: readonly Buffer[];
}

/** A line still unfinished after this many bytes is taken as a line of its own (memory bound). */
export const MAX_HELD_LINE = 64 * 1024;
const LF = 0x0a;
const SPACE = 0x20;

interface Mask {
  readonly start: number;
  readonly end: number;
  readonly replacement: Buffer;
}

interface HeldLine {
  readonly bytes: Buffer;
  readonly masks: Mask[];
  /** The joined / dumped offsets this line's text reaches: it waits until nothing found later can reach back into it. */
  needJoined: number;
  needDumped: number;
}

/**
 * A piece of a held line in one of the derived views: `view[at, at + length)` is `line.bytes[start, …)`.
 * Without a line, the piece is bytes no line shows (what a dump's `*` stands for): nothing to mask.
 */
interface Segment {
  readonly line: HeldLine | undefined;
  readonly start: number;
  readonly at: number;
  readonly length: number;
  /** For a dump line, the whole text is masked, not the bytes of the match. */
  readonly maskEnd?: number;
}

/** One derived view (joined wrapped text, or bytes shown by dump lines): an automaton run over the text of consecutive lines. */
class View {
  position = 0;
  safe = 0;
  #state = 0;
  #segments: Segment[] = [];

  constructor(
    readonly matcher: Matcher | undefined,
    readonly replacements: readonly Buffer[],
    /** True when only matches that span a line break count (the rest is the byte masker's). */
    readonly acrossLinesOnly: boolean,
  ) {
    this.#state = matcher?.initial ?? 0;
  }

  feed(line: HeldLine | undefined, text: Uint8Array, start: number, maskEnd?: number): void {
    const matcher = this.matcher;
    if (!matcher || text.length === 0) return;
    const at = this.position;
    const segment: Segment = { line, start, at, length: text.length, ...(maskEnd !== undefined ? { maskEnd } : {}) };
    this.#segments.push(segment);
    this.#state = matcher.scan(text, 0, text.length, this.#state, (rank, end) => {
      const matchEnd = at + end;
      const matchStart = matchEnd - matcher.lengths[rank]!;
      if (this.acrossLinesOnly && matchStart >= at) return;
      for (const s of this.#segments) {
        const from = Math.max(matchStart, s.at);
        const to = Math.min(matchEnd, s.at + s.length);
        if (from >= to || s.line === undefined) continue;
        const maskStart = s.maskEnd !== undefined ? s.start : s.start + (from - s.at);
        const maskStop = s.maskEnd ?? s.start + (to - s.at);
        s.line.masks.push({ start: maskStart, end: maskStop, replacement: this.replacements[rank]! });
      }
    });
    this.position += text.length;
    this.safe = this.position - matcher.depth(this.#state);
    // Segments entirely further back than the longest pattern cannot be reached again.
    const horizon = this.position - matcher.longest;
    while (this.#segments.length > 0 && this.#segments[0]!.at + this.#segments[0]!.length <= horizon) this.#segments.shift();
  }

  /** The run of lines ends: whatever was not found in it never will be. */
  close(): void {
    if (this.safe === this.position && this.#segments.length === 0) return;
    this.#state = this.matcher?.initial ?? 0;
    this.#segments = [];
    this.safe = this.position;
  }
}

/**
 * Masks the forms of a value that span lines in streamed text: base64 / base64url / hex wrapped
 * at any width (`base64`'s 76 columns, PEM's 64, `xxd -p`'s 60; `\n` or `\r\n`; indented or
 * behind BuildKit's `#8 0.345 ` prefix), and classic hex dumps (`xxd`, `hexdump -C`,
 * `od -An -tx1`), whose lines show the value's bytes 16 at a time.
 *
 * It works on whole lines. A line that ends in 16+ encoding characters starts a run, continued by
 * lines made only of them and closed by the leading characters of the next line (as the audit
 * joins them); consecutive dump lines form a run of the bytes they show. Each run is searched as
 * one text, with the lines a dump's `*` stands for put back ({@link DumpRun}); every line a match
 * touches has the matched part replaced (a dump line: all its text).
 * A line is released only once nothing found later can reach back into it — when its run has
 * ended, or the text after it is longer than any pattern's unmatched rest — so the delay is at most
 * one line plus the longest pattern's length of wrapped text. Unfinished lines wait for their end,
 * up to {@link MAX_HELD_LINE} bytes; the caller flushes on a timer so interactive output is not held.
 *
 * Ordinary lines (no trailing run of 16+ encoding characters, not a dump line) pass at once; short,
 * armour and low-entropy lines are never masked on their own, only as part of a matched value.
 */
export class LineMasker {
  readonly #getSpec: () => LineMaskSpec;
  #spec: LineMaskSpec | undefined;
  #ordinary!: OrdinaryTest;
  #joined!: View;
  #dumped!: View;
  #dumps!: DumpRun;
  /** The number of the line taken last (ordinary lines passed at once count as one): a `*` continues a dump only right after a dump line. */
  #index = 0;
  /** The line before continues into the next one's leading run. */
  #continues = false;
  #held: HeldLine[] = [];
  #partial: Buffer[] = [];
  #partialLength = 0;

  constructor(getSpec: () => LineMaskSpec) {
    this.#getSpec = getSpec;
  }

  /** Feed a chunk; returns the bytes that are now final (masked where a wrapped or dumped value was found). */
  push(chunk: Uint8Array): Buffer[] {
    this.#refresh();
    const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: Buffer[] = [];
    let start = 0;
    /** Start of the run of ordinary lines passed through as one slice. */
    let span = 0;
    for (;;) {
      // The fast path: ordinary lines while nothing is held pass on as one slice.
      if (this.#partialLength === 0 && this.#held.length === 0 && !this.#continues) {
        const next = skipOrdinaryLines(data, start, this.#ordinary);
        if (next > start) {
          this.#dumped.close();
          this.#index++;
          start = next;
        }
      }
      const nl = data.indexOf(LF, start);
      if (nl === -1) break;
      if (start > span) out.push(data.subarray(span, start));
      // Copied: the caller may reuse its chunk.
      this.#partial.push(Buffer.from(data.subarray(start, nl + 1)));
      this.#takeLine();
      out.push(...this.#release());
      start = span = nl + 1;
    }
    if (start > span) out.push(data.subarray(span, start));
    if (start < data.length) {
      this.#partial.push(Buffer.from(data.subarray(start)));
      this.#partialLength += data.length - start;
      if (this.#partialLength >= MAX_HELD_LINE) {
        this.#takeLine();
        out.push(...this.#release());
      }
    }
    return out;
  }

  /**
   * Release everything held, deciding with what is known now: the unfinished line counts as a
   * line and every run ends. For the end of the stream, and for the caller's idle timer.
   */
  flush(): Buffer[] {
    this.#refresh();
    if (this.#partialLength > 0) this.#takeLine();
    this.#closeRuns();
    return this.#release();
  }

  /** True when bytes are held back. */
  get holding(): boolean {
    return this.#held.length > 0 || this.#partialLength > 0;
  }

  /** New values were added: start the views over and search the held lines again (their masks stay). */
  #refresh(): void {
    const spec = this.#getSpec();
    if (spec === this.#spec) return;
    const first = this.#spec === undefined;
    this.#spec = spec;
    this.#joined = new View(spec.joined, spec.joinedReplacements, true);
    this.#dumped = new View(spec.dumped, spec.dumpedReplacements, false);
    this.#dumps = new DumpRun(spec.dumped?.longest ?? 0);
    this.#ordinary = { wrapped: spec.joined !== undefined, dump: spec.dumped ? (b, start, end) => this.#dumpLine(b, start, end) !== undefined : undefined };
    this.#continues = false;
    if (first) return;
    const held = this.#held;
    this.#held = [];
    for (const line of held) this.#line(line.bytes, line.masks);
  }

  #takeLine(): void {
    const bytes = this.#partial.length === 1 ? this.#partial[0]! : Buffer.concat(this.#partial);
    this.#partial = [];
    this.#partialLength = 0;
    this.#line(bytes, []);
  }

  #closeRuns(): void {
    this.#joined.close();
    this.#dumped.close();
    this.#continues = false;
  }

  #line(bytes: Buffer, masks: Mask[]): void {
    const line: HeldLine = { bytes, masks, needJoined: 0, needDumped: 0 };
    this.#held.push(line);
    const { start, end } = lineContent(bytes);
    const length = end - start;

    const index = ++this.#index;
    const shown = length > 0 && length < MAX_DUMP_LINE && this.#dumped.matcher ? this.#dumpLine(bytes, start, end) : undefined;
    if (shown) {
      const leftOut = this.#dumps.next(shown, index);
      if (leftOut === undefined) this.#dumped.close();
      else if (leftOut.length > 0) this.#dumped.feed(undefined, leftOut, 0);
      this.#dumped.feed(line, shown.bytes, start, end);
      line.needDumped = this.#dumped.position;
    } else if (this.#dumped.matcher && isCollapseMark(bytes, start, end) && this.#dumps.collapse(index)) {
      // The dump goes on after the lines this `*` stands for; the `*` itself shows nothing.
      line.needDumped = this.#dumped.position;
    } else {
      this.#dumped.close();
    }

    const joined = this.#joined;
    if (!joined.matcher) return;
    let lead = start;
    while (lead < end && ALPHABET[bytes[lead]!] === 1) lead++;
    const whole = length > 0 && lead === end;
    if (this.#continues) {
      joined.feed(line, bytes.subarray(start, lead), start);
      line.needJoined = joined.position;
      if (whole) return; // a line of encoding only: the run goes on
      joined.close();
      this.#continues = false;
    }
    if (length < MIN_WRAPPED_LINE) return;
    let trail = end;
    while (trail > start && ALPHABET[bytes[trail - 1]!] === 1) trail--;
    if (end - trail < MIN_WRAPPED_LINE) return;
    this.#continues = true;
    joined.feed(line, bytes.subarray(trail, end), trail);
    line.needJoined = joined.position;
  }

  /** The dump line `bytes[start, end)` is: an `od -An` line starts with a space of its own, taken for indentation. */
  #dumpLine(bytes: Buffer, start: number, end: number): DumpLine | undefined {
    return readDumpLine(bytes.subarray(start, end)) ?? (start > 0 && bytes[start - 1] === SPACE ? readDumpLine(bytes.subarray(start - 1, end)) : undefined);
  }

  /** The held lines, oldest first, that nothing can still reach back into, with their masks applied. */
  #release(): Buffer[] {
    const out: Buffer[] = [];
    while (this.#held.length > 0) {
      const line = this.#held[0]!;
      if (line.needJoined > this.#joined.safe || line.needDumped > this.#dumped.safe) break;
      this.#held.shift();
      out.push(...applyMasks(line));
    }
    return out;
  }
}

/** The line's bytes with each masked range (overlapping ones merged) replaced. */
function applyMasks(line: HeldLine): Buffer[] {
  if (line.masks.length === 0) return [line.bytes];
  const masks = [...line.masks].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Buffer[] = [];
  let cur = 0;
  for (const m of masks) {
    if (m.end <= cur) continue;
    if (m.start < cur) {
      cur = m.end;
      continue;
    }
    if (m.start > cur) out.push(line.bytes.subarray(cur, m.start));
    out.push(m.replacement);
    cur = m.end;
  }
  if (cur < line.bytes.length) out.push(line.bytes.subarray(cur));
  return out;
}
