import type { DumpLine } from './dump-line.js';

const STAR = 0x2a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);
/**
 * `od` prints octal offsets unless told otherwise (`-Ax`, `-Ad`); GNU and busybox print hex ones
 * 6 digits wide and the others 7, so the width decides the order in which radixes are tried.
 */
const OD_RADIXES_BY_WIDTH = { 6: [16, 8, 10], other: [8, 10, 16] } as const;
const HEX_ONLY = [16] as const;
/** Offsets longer than this are not read (beyond exact integers, and no dump line is that far). */
const MAX_OFFSET_DIGITS = 12;

/** True when `line[start, end)` (line ending cut, `\r` allowed) is a dump tool's `*` line. */
export function isCollapseMark(line: Uint8Array, start: number, end: number): boolean {
  const last = end > start && line[end - 1] === CR ? end - 1 : end;
  return last - start === 1 && line[start] === STAR;
}

function odRadixes(offset: string): readonly number[] {
  return offset.length === 6 ? OD_RADIXES_BY_WIDTH[6] : OD_RADIXES_BY_WIDTH.other;
}

function parseOffset(digits: string, radix: number): number | undefined {
  if (digits.length > MAX_OFFSET_DIGITS) return undefined;
  let value = 0;
  for (const ch of digits) {
    const d = Number.parseInt(ch, 16);
    if (!(d < radix)) return undefined;
    value = value * radix + d;
  }
  return value;
}

/**
 * Follows the lines of a hex dump so that a `*` line stands for the bytes it hides. `hexdump` and
 * `od` print `*` instead of lines identical to the one before (`xxd -a` for zero lines), and
 * busybox's `hexdump` also prints one before a short last line that starts like the line before.
 * A value whose bytes run through such a place is shown only in part on either side; read as one
 * run, with the left-out repeats put back, it is found as it was written.
 *
 * How many lines were left out is read from the offsets: the line after the `*` starts where the
 * line before it ended plus whole repeats of it. `xxd` and `hexdump -C` print hex offsets; `od`'s
 * radix is learnt from two consecutive lines when there are any, else the radixes are tried in
 * the order its offset's width suggests and the first that adds up counts (a `*` right after the
 * first line of an `od -Ad` dump can be read as octal). Without offsets (`od -An`) it
 * cannot be told: the run starts over.
 *
 * At most `reach` bytes of repeats (rounded up to whole lines) are put back: a pattern no longer
 * than `reach` that touches a shown line lies within them, since the repeats are periodic.
 * Lines are numbered by the caller: only a `*` right after a dump line, and a dump line right
 * after that `*`, continue a run.
 */
export class DumpRun {
  readonly #reach: number;
  #last: DumpLine | undefined;
  #lastIndex = Number.NaN;
  #collapseIndex = Number.NaN;
  /** `od`'s offset radix, once two consecutive lines showed it. */
  #odRadix: number | undefined;

  /** `reach`: the longest pattern searched in the dumped bytes. */
  constructor(reach: number) {
    this.#reach = Math.max(1, reach);
  }

  /** Line `index` is a `*`. Returns true when it continues a dump (the line before it was a dump line). */
  collapse(index: number): boolean {
    if (this.#last === undefined || this.#lastIndex !== index - 1) return false;
    this.#collapseIndex = index;
    return true;
  }

  /**
   * Line `index` is a dump line. Returns the bytes to search before its own: none when it follows
   * on or starts a new dump, the left-out repeats after a `*`, or undefined when what a `*` left
   * out cannot be told (the caller's run must start over).
   */
  next(line: DumpLine, index: number): Buffer | undefined {
    const last = this.#last;
    const lastIndex = this.#lastIndex;
    const collapsed = this.#collapseIndex === index - 1;
    this.#last = line;
    this.#lastIndex = index;
    if (last === undefined) return EMPTY;
    if (lastIndex === index - 1) {
      this.#learn(last, line);
      return EMPTY;
    }
    if (!collapsed || lastIndex !== index - 2) {
      this.#odRadix = undefined; // another dump starts
      return EMPTY;
    }
    const gap = this.#gap(last, line);
    if (gap === undefined) return undefined;
    const size = last.bytes.length;
    const repeats = Math.min(gap / size, Math.ceil(this.#reach / size));
    return repeats === 0 ? EMPTY : Buffer.concat(Array.from({ length: repeats }, () => last.bytes));
  }

  #learn(a: DumpLine, b: DumpLine): void {
    if (this.#odRadix !== undefined || a.layout !== 'od' || b.layout !== 'od' || a.offset === undefined || b.offset === undefined) return;
    for (const radix of odRadixes(a.offset)) {
      const from = parseOffset(a.offset, radix);
      const to = parseOffset(b.offset, radix);
      if (from !== undefined && to !== undefined && to - from === a.bytes.length) {
        this.#odRadix = radix;
        return;
      }
    }
  }

  /** Bytes left out between `a` and `b` (a multiple of `a`'s length), or undefined when the offsets do not tell. */
  #gap(a: DumpLine, b: DumpLine): number | undefined {
    if (a.layout !== b.layout || a.offset === undefined || b.offset === undefined) return undefined;
    const radixes = a.layout !== 'od' ? HEX_ONLY : this.#odRadix !== undefined ? [this.#odRadix] : odRadixes(a.offset);
    const size = a.bytes.length;
    for (const radix of radixes) {
      const from = parseOffset(a.offset, radix);
      const to = parseOffset(b.offset, radix);
      if (from === undefined || to === undefined) continue;
      const gap = to - from - size;
      if (gap >= 0 && gap % size === 0) return gap;
    }
    return undefined;
  }
}
