import { compileMatcher } from './matcher.js';

/** Finds every occurrence of every pattern in a buffer (by pattern index and start offset). */
export interface SetMatcher {
  /** Length of the longest pattern. */
  readonly longest: number;
  /** False when the set fell back to the automaton (a pattern under four bytes): no faster than it. */
  readonly skips: boolean;
  /** Report every occurrence that lies entirely inside `buf`, in no particular order. */
  find(buf: Uint8Array, onMatch: (patternIndex: number, start: number) => void): void;
}

/** Bytes hashed per step; three keeps the shift table sparse even for base64- and hex-only text. */
const BLOCK = 3;
const TABLE_BITS = 16;
const MAX_WINDOW = 64;

const hash3 = (a: number, b: number, c: number): number => Math.imul((a << 16) | (b << 8) | c, 0x9e3779b1) >>> (32 - TABLE_BITS);

function equalAt(buf: Uint8Array, at: number, pattern: Uint8Array): boolean {
  for (let i = 0; i < pattern.length; i++) if (buf[at + i] !== pattern[i]) return false;
  return true;
}

/**
 * Compile a multi-pattern matcher that skips (Wu–Manber): it looks at the last three bytes of a
 * window as long as the shortest pattern and jumps ahead by up to (shortest − 2) bytes when they
 * end no pattern prefix, so typical layer content is examined a few bytes in every eight, still in
 * a single pass for all patterns. Sets whose shortest pattern is under four bytes fall back to the
 * Aho–Corasick automaton.
 */
export function compileSetMatcher(patterns: readonly Uint8Array[]): SetMatcher {
  const longest = patterns.reduce((a, p) => Math.max(a, p.length), 0);
  const shortest = patterns.reduce((a, p) => Math.min(a, p.length), Number.POSITIVE_INFINITY);
  if (patterns.length === 0 || shortest < 4) {
    const automaton = compileMatcher(patterns);
    const { lengths } = automaton;
    return { longest, skips: false, find: (buf, onMatch) => void automaton.scan(buf, 0, buf.length, automaton.initial, (i, end) => onMatch(i, end - lengths[i]!)) };
  }
  const m = Math.min(shortest, MAX_WINDOW);
  const shift = new Uint8Array(1 << TABLE_BITS).fill(m - BLOCK + 1);
  const head = new Int32Array(1 << TABLE_BITS).fill(-1);
  const next = new Int32Array(patterns.length).fill(-1);
  patterns.forEach((p, index) => {
    for (let j = BLOCK - 1; j < m; j++) {
      const h = hash3(p[j - 2]!, p[j - 1]!, p[j]!);
      shift[h] = Math.min(shift[h]!, m - 1 - j);
    }
    const last = hash3(p[m - 3]!, p[m - 2]!, p[m - 1]!);
    next[index] = head[last]!;
    head[last] = index;
  });

  return {
    longest,
    skips: true,
    find(buf, onMatch) {
      const end = buf.length;
      let pos = m - 1;
      while (pos < end) {
        const h = hash3(buf[pos - 2]!, buf[pos - 1]!, buf[pos]!);
        const s = shift[h]!;
        if (s !== 0) {
          pos += s;
          continue;
        }
        const start = pos - m + 1;
        for (let p = head[h]!; p !== -1; p = next[p]!) {
          const pattern = patterns[p]!;
          if (start + pattern.length <= end && equalAt(buf, start, pattern)) onMatch(p, start);
        }
        pos++;
      }
    },
  };
}
