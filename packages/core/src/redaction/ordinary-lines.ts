import { contentStart } from './log-line.js';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const STAR = 0x2a;

/** Encoding characters of base64, base64url and hex: a line ending in 16+ of them may start a wrapped value. */
export const ALPHABET = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_') ALPHABET[ch.charCodeAt(0)] = 1;

/** A line that starts a wrapped block ends in at least this many encoding characters (tools wrap at 60+). */
export const MIN_WRAPPED_LINE = 16;
/** Dump lines are < 100 bytes; a longer line is never decoded as one. */
export const MAX_DUMP_LINE = 256;

const HEX = new Uint8Array(256);
for (const ch of '0123456789abcdefABCDEF') HEX[ch.charCodeAt(0)] = 1;

/** The cheap test before decoding: 6+ hex digits (an offset) or, after a space, ` xx ` (od -An). */
export function mayBeDumpLine(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start >= 2 && HEX[buf[start]!] === 1 && HEX[buf[start + 1]!] === 1) {
    if (start > 0 && buf[start - 1] === SPACE && (start + 2 === end || buf[start + 2] === SPACE)) return true;
    return end - start >= 6 && HEX[buf[start + 2]!] === 1 && HEX[buf[start + 3]!] === 1 && HEX[buf[start + 4]!] === 1 && HEX[buf[start + 5]!] === 1;
  }
  return false;
}

/** What decides whether a line is ordinary: which searches are on, and the full dump-line test. */
export interface OrdinaryTest {
  readonly wrapped: boolean;
  /** Undefined when no dumped form is searched; else true when `buf[start, end)` really decodes as a dump line. */
  readonly dump: ((buf: Buffer, start: number, end: number) => boolean) | undefined;
}

/**
 * The end of the run of complete ordinary lines starting at `from` (at a line start): lines that
 * neither end in {@link MIN_WRAPPED_LINE}+ encoding characters (a wrapped block may start there)
 * nor are hex-dump lines or a dump's `*`. Returns the start of the first line that is not ordinary, or of the
 * unfinished line at the end. One tight loop with no allocation: it runs over every line of the
 * build output, and most lines are ordinary.
 */
export function skipOrdinaryLines(data: Buffer, from: number, test: OrdinaryTest): number {
  const { wrapped, dump } = test;
  let start = from;
  for (;;) {
    const nl = data.indexOf(LF, start);
    if (nl === -1) return start;
    let end = nl;
    if (end > start && data[end - 1] === CR) end--;
    if (wrapped && end - start >= MIN_WRAPPED_LINE && ALPHABET[data[end - 1]!] === 1) {
      let trail = end - 1;
      const stop = end - MIN_WRAPPED_LINE;
      while (trail > stop && ALPHABET[data[trail - 1]!] === 1) trail--;
      if (trail === stop) return start;
    }
    if (dump !== undefined) {
      const first = maybeContentStart(data, start, end);
      if (HEX[data[first]!] === 1) {
        const content = contentStart(data, start, end);
        if (end - content < MAX_DUMP_LINE && mayBeDumpLine(data, content, end) && dump(data, content, end)) return start;
      } else if (data[first] === STAR && first + 1 === end) {
        // A dump's `*` (lines left out): the dump may go on after it.
        return start;
      }
    }
    start = nl + 1;
  }
}

/**
 * Where the content of the line `data[start, end)` starts if it has any BuildKit progress prefix:
 * after indentation, and for a line starting with `#`, after its second space and the indentation
 * that follows. Equal to `contentStart` whenever the prefix is valid; for a `#` line whose prefix
 * is not, `contentStart` gives the `#`, which is no hex digit — so a line whose byte here is no hex
 * digit is no dump line. This runs on every line of the build output: a few byte compares, no
 * calls, against the prefix grammar `contentStart` checks only for lines that pass. Returns `end`
 * when there is no content.
 */
function maybeContentStart(data: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && (data[i] === SPACE || data[i] === TAB)) i++;
  if (i === end || data[i] !== HASH) return i;
  i++;
  while (i < end && data[i] !== SPACE) i++;
  if (i === end) return end;
  i++;
  while (i < end && data[i] !== SPACE) i++;
  while (i < end && (data[i] === SPACE || data[i] === TAB)) i++;
  return i;
}
