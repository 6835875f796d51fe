/**
 * A multi-pattern byte matcher: Aho-Corasick compiled to a dense DFA over byte classes, so every
 * input byte costs one table lookup whatever the number of patterns. Bytes that occur in no
 * pattern share class 0, which keeps the table small (base64, hex and URL forms use < 100 byte
 * values), and states are stored pre-multiplied by the class count so the hot loop has no multiply.
 */

/** Called for each match: `end` is the index just past the match in the scanned buffer. */
export type MatchCallback = (patternIndex: number, end: number) => void;

/** A compiled matcher. Scanning state is a plain number, so one matcher serves many streams. */
export interface Matcher {
  /** Number of patterns. */
  readonly size: number;
  /** Length of the longest pattern (0 when empty). */
  readonly longest: number;
  /** Length of each pattern, by index. */
  readonly lengths: readonly number[];
  /** The start state. */
  readonly initial: number;
  /**
   * Feed `buf[start..end)` from `state`; reports every match (all patterns, overlapping ones too)
   * and returns the state to continue from with the next chunk of the same stream.
   */
  scan(buf: Uint8Array, start: number, end: number, state: number, onMatch: MatchCallback): number;
  /** How many of the last bytes fed may still be the start of a match (the DFA state's depth). */
  depth(state: number): number;
}

function byteClasses(patterns: readonly Uint8Array[]): { classes: Uint8Array; count: number } {
  const classes = new Uint8Array(256);
  let count = 1;
  for (const p of patterns) for (const b of p) if (classes[b] === 0) classes[b] = count++;
  return { classes, count };
}

/** Compile `patterns` (non-empty byte strings) into a {@link Matcher}. */
export function compileMatcher(patterns: readonly Uint8Array[]): Matcher {
  const { classes, count: k } = byteClasses(patterns);
  let capacity = 1;
  for (const p of patterns) capacity += p.length;
  const next = new Int32Array(capacity * k).fill(-1);
  const depthOf = new Int32Array(capacity);
  const own: number[][] = [[]];
  let states = 1;
  patterns.forEach((p, index) => {
    let s = 0;
    for (const b of p) {
      const slot = s * k + classes[b]!;
      if (next[slot] === -1) {
        next[slot] = states;
        depthOf[states] = depthOf[s]! + 1;
        own.push([]);
        states++;
      }
      s = next[slot]!;
    }
    own[s]!.push(index);
  });

  // Breadth-first: fill failure links and turn the trie into a complete DFA.
  const fail = new Int32Array(states);
  const outputs: number[][] = own.map((o) => [...o]);
  const delta = new Int32Array(states * k);
  const queue: number[] = [];
  for (let c = 0; c < k; c++) {
    const child = next[c]!;
    delta[c] = child === -1 ? 0 : child;
    if (child > 0) queue.push(child);
  }
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    const f = fail[s]!;
    if (outputs[f]!.length > 0) outputs[s]!.push(...outputs[f]!);
    for (let c = 0; c < k; c++) {
      const child = next[s * k + c]!;
      if (child === -1) {
        delta[s * k + c] = delta[f * k + c]!;
      } else {
        fail[child] = delta[f * k + c]!;
        delta[s * k + c] = child;
        queue.push(child);
      }
    }
  }
  // Pre-multiply targets by k and mark states that end a match with a negative sign.
  for (let i = 0; i < delta.length; i++) {
    const t = delta[i]!;
    delta[i] = outputs[t]!.length > 0 ? -(t * k) : t * k;
  }
  const lengths = patterns.map((p) => p.length);

  return {
    size: patterns.length,
    longest: lengths.reduce((a, b) => Math.max(a, b), 0),
    lengths,
    initial: 0,
    depth: (state) => depthOf[state / k]!,
    scan(buf, start, end, state, onMatch) {
      let s = state;
      for (let i = start; i < end; i++) {
        s = delta[s + classes[buf[i]!]!]!;
        if (s < 0) {
          s = -s;
          for (const index of outputs[s / k]!) onMatch(index, i + 1);
        }
      }
      return s;
    },
  };
}
