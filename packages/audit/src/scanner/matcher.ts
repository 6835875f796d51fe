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

/**
 * Compile `patterns` (non-empty byte strings) into a {@link Matcher}.
 *
 * Built for a cold start: the redactor compiles on the first log line of every build, before any
 * of this code is optimised, so the work per table cell is native. Trie edges are kept as short
 * lists (patterns share few prefixes), and each state's row is its failure state's finished row
 * copied with `copyWithin` and then its own edges written over it — the classic DFA construction,
 * in breadth-first order so the failure row is always complete. Targets are stored already
 * pre-multiplied and signed, so no pass over the whole table is needed afterwards.
 */
export function compileMatcher(patterns: readonly Uint8Array[]): Matcher {
  const { classes, count: k } = byteClasses(patterns);
  let capacity = 1;
  for (const p of patterns) capacity += p.length;
  // Trie: each state's edges as parallel lists of (class, child).
  const edgeClass: number[][] = [[]];
  const edgeChild: number[][] = [[]];
  const depthOf = new Int32Array(capacity);
  const own: number[][] = [[]];
  let states = 1;
  patterns.forEach((p, index) => {
    let s = 0;
    for (const b of p) {
      const c = classes[b]!;
      const at = edgeClass[s]!.indexOf(c);
      if (at !== -1) {
        s = edgeChild[s]![at]!;
        continue;
      }
      edgeClass[s]!.push(c);
      edgeChild[s]!.push(states);
      depthOf[states] = depthOf[s]! + 1;
      edgeClass.push([]);
      edgeChild.push([]);
      own.push([]);
      s = states++;
    }
    own[s]!.push(index);
  });

  // Breadth-first: failure links, outputs and the complete DFA, one row per state.
  const outputs: number[][] = own.map((o) => [...o]);
  const ends = new Uint8Array(states);
  const delta = new Int32Array(states * k);
  const fail = new Int32Array(states);
  const encode = (t: number): number => (ends[t] === 1 ? -(t * k) : t * k);
  const queue: number[] = [];
  /** Write state `s`'s own edges into its row (already a copy of its failure state `f`'s row) and link its children. */
  const link = (s: number, f: number): void => {
    const classesOf = edgeClass[s]!;
    const children = edgeChild[s]!;
    for (let e = 0; e < children.length; e++) {
      const c = classesOf[e]!;
      const child = children[e]!;
      // The child's failure state: where the parent's failure row goes on this class (0 from the root).
      const fc = s === 0 ? 0 : Math.abs(delta[f * k + c]!) / k;
      fail[child] = fc;
      if (outputs[fc]!.length > 0) outputs[child]!.push(...outputs[fc]!);
      if (outputs[child]!.length > 0) ends[child] = 1;
      delta[s * k + c] = encode(child);
      queue.push(child);
    }
  };
  // The root's row: its children; every other class stays 0 (back to the root).
  link(0, 0);
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    const f = fail[s]!;
    delta.copyWithin(s * k, f * k, f * k + k);
    link(s, f);
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
