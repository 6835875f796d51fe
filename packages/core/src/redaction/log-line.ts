/**
 * Where the text of a log line starts and ends, for recognising wrapped encodings and hex dumps
 * in build output: without its `\n` / `\r\n`, without indentation, and without BuildKit's plain
 * progress prefix (`#8 0.345 `), which BuildKit puts before every line a `RUN` step prints.
 */

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const DOT = 0x2e;

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** Index just after a BuildKit progress prefix `#<n> <s>.<ms> ` starting at `at`, or `at` when there is none. */
function afterProgressPrefix(line: Uint8Array, at: number, end: number): number {
  if (line[at] !== HASH) return at;
  let i = at + 1;
  const step = i;
  while (i < end && isDigit(line[i])) i++;
  if (i === step || line[i] !== SPACE) return at;
  i++;
  const seconds = i;
  while (i < end && isDigit(line[i])) i++;
  if (i === seconds || line[i] !== DOT) return at;
  i++;
  const fraction = i;
  while (i < end && isDigit(line[i])) i++;
  if (i === fraction || (i < end && line[i] !== SPACE)) return at;
  return i < end ? i + 1 : i;
}

/** Where the content of a line `buf[from, end)` (line ending already cut) starts: after indentation and a progress prefix. */
export function contentStart(buf: Uint8Array, from: number, end: number): number {
  let start = from;
  while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
  if (buf[start] !== HASH) return start;
  const afterPrefix = afterProgressPrefix(buf, start, end);
  if (afterPrefix === start) return start;
  start = afterPrefix;
  while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
  return start;
}

/** Where the content of a line `buf[from, to)` ends: before its `\n` / `\r\n`. */
export function contentEnd(buf: Uint8Array, from: number, to: number): number {
  let end = to;
  if (end > from && buf[end - 1] === LF) end--;
  if (end > from && buf[end - 1] === CR) end--;
  return end;
}

/** The content of `buf[from, to)` (one line, with or without its line ending) as absolute `[start, end)`. */
export function lineContent(buf: Uint8Array, from = 0, to = buf.length): { start: number; end: number } {
  const end = contentEnd(buf, from, to);
  return { start: contentStart(buf, from, end), end };
}
