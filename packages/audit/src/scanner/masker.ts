import type { Matcher } from './matcher.js';
import type { SetMatcher } from './skip-matcher.js';

/** What the masker searches with: a matcher and the replacement for each of its patterns. */
export interface MaskSpec {
  /** The compiled patterns. */
  readonly matcher: Matcher;
  /** The bytes written in place of a masked region that starts with pattern `i`. */
  readonly replacements: readonly Buffer[];
  /**
   * A skipping matcher over the same patterns. When it can skip (every pattern is 4+ bytes), it
   * finds the matches and the automaton only reads each chunk's tail, to know how much to hold back.
   */
  readonly prefilter?: SetMatcher;
  /**
   * Patterns masked only where they stand as a word of their own (the bytes on both sides are not
   * letters, digits or `_`): a 1–3 byte value inside an ordinary word (`x` in `export`) is chance.
   */
  readonly wordBounded?: readonly boolean[];
}

const isWordByte = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);


interface Interval {
  readonly start: number;
  readonly end: number;
  readonly rank: number;
  readonly replacement: Buffer;
}

const EMPTY = Buffer.alloc(0);

function byStart(a: Interval, b: Interval): number {
  return a.start - b.start || b.end - a.end || a.rank - b.rank;
}

/**
 * Masks matches in a byte stream fed in arbitrary chunks. Overlapping matches are masked as their
 * union with one replacement (named after the match that starts first). It holds back only the
 * bytes that may still begin a match — the DFA state's depth, at most (longest pattern − 1) — so it
 * never emits part of a value, and its output is the same however the input is split.
 *
 * `spec` is read on every push: when it changes (values added), the held-back bytes are searched
 * again with the new patterns.
 */
export class StreamMasker {
  #spec: MaskSpec | undefined;
  #pending: Buffer = EMPTY;
  /** Absolute offset of `#pending[0]` (everything before it has been emitted). */
  #base = 0;
  #state = 0;
  #intervals: Interval[] = [];
  /** The input byte just before `#base` (for word-boundary checks), if any. */
  #before: number | undefined;
  /**
   * Bytes just before `#base` that were masked (so not held back) but may still begin a match:
   * a mask can reach past the point the automaton holds back from. The prefilter re-searches
   * them with the next bytes; the automaton path keeps them in its state.
   */
  #maskedTail: Buffer = EMPTY;
  readonly #getSpec: () => MaskSpec;

  constructor(getSpec: () => MaskSpec) {
    this.#getSpec = getSpec;
  }

  /** Feed a chunk; returns the bytes that are now final. */
  push(chunk: Uint8Array): Buffer[] {
    const spec = this.#getSpec();
    let from = this.#pending.length;
    if (spec !== this.#spec) {
      // Earlier intervals stay valid (values are only ever added); re-search what is held back.
      this.#spec = spec;
      this.#state = spec.matcher.initial;
      from = 0;
    }
    const data = this.#pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.#pending, chunk]);
    const base = this.#base;
    const { matcher, replacements, prefilter } = spec;
    if (prefilter?.skips) {
      // Matches wholly inside the bytes searched last time were recorded then.
      const context = this.#maskedTail;
      const searched = context.length > 0 ? Buffer.concat([context, data]) : data;
      const searchedBase = base - context.length;
      prefilter.find(searched, (rank, start) => {
        const end = start + matcher.lengths[rank]!;
        if (end > from + context.length) this.#intervals.push({ start: searchedBase + start, end: searchedBase + end, rank, replacement: replacements[rank]! });
      });
      // The automaton's state (how much may still be the start of a value) depends only on the last
      // (longest − 1) bytes — masked context included, since a value may begin under a mask.
      const tail = Math.max(0, searched.length - (matcher.longest - 1));
      this.#state = matcher.scan(searched, tail, searched.length, matcher.initial, () => undefined);
      return this.#emit(data, base + data.length - matcher.depth(this.#state));
    }
    this.#state = matcher.scan(data, from, data.length, this.#state, (rank, end) => {
      const absEnd = base + end;
      this.#intervals.push({ start: absEnd - matcher.lengths[rank]!, end: absEnd, rank, replacement: replacements[rank]! });
    });
    const received = base + data.length;
    return this.#emit(data, received - matcher.depth(this.#state));
  }

  /** End of input: everything left is final. */
  end(): Buffer[] {
    const out = this.#emit(this.#pending, this.#base + this.#pending.length, true);
    this.#state = this.#spec?.matcher.initial ?? 0;
    return out;
  }

  /** Emit `data` (which starts at `#base`) up to absolute offset `limit`, masking final intervals. */
  #emit(data: Buffer, limit: number, final = false): Buffer[] {
    const base = this.#base;
    const ready: Interval[] = [];
    const later: Interval[] = [];
    const bounded = this.#spec?.wordBounded;
    for (const iv of this.#intervals) {
      if (iv.start >= limit) later.push(iv);
      // A held-back match always has its next byte here (the automaton keeps the match's bytes pending until then), or this is the end.
      else if (bounded?.[iv.rank] && !this.#standsAlone(data, iv, final)) continue;
      else ready.push(iv);
    }
    ready.sort(byStart);
    const out: Buffer[] = [];
    let cur = base;
    for (const iv of ready) {
      if (iv.start < cur) {
        // Overlaps the mask just written (possibly in an earlier push): extend it silently.
        cur = Math.max(cur, iv.end);
        continue;
      }
      if (iv.start > cur) out.push(data.subarray(cur - base, iv.start - base));
      out.push(iv.replacement);
      cur = iv.end;
    }
    if (cur < limit) {
      out.push(data.subarray(cur - base, limit - base));
      cur = limit;
    }
    this.#intervals = later;
    if (cur > base) {
      this.#before = data[cur - base - 1];
      // Bytes before `limit` cannot begin a match; masked bytes from `limit` on still can. When a
      // mask ends past `limit`, that point may lie before `base`, in the masked tail kept last time.
      const longest = this.#spec?.matcher.longest ?? 1;
      this.#maskedTail = cur > limit ? this.#tailFrom(data, Math.max(limit, cur - (longest - 1)), cur) : EMPTY;
    }
    this.#pending = data.subarray(cur - base);
    this.#base = cur;
    return out;
  }

  /**
   * A copy of the input bytes `[from, to)` (absolute), read from `data` (which starts at `#base`)
   * and, before `#base`, from the masked tail kept by the previous emit (which ends at `#base`).
   */
  #tailFrom(data: Buffer, from: number, to: number): Buffer {
    const base = this.#base;
    const previous = this.#maskedTail;
    const start = Math.max(from, base - previous.length);
    if (start >= base) return Buffer.from(data.subarray(start - base, to - base));
    return Buffer.concat([previous.subarray(previous.length - (base - start)), data.subarray(0, to - base)]);
  }

  /** True when the bytes around the match `iv` (in `data`, which starts at `#base`) are not word bytes. */
  #standsAlone(data: Buffer, iv: Interval, final: boolean): boolean {
    const base = this.#base;
    const before = iv.start > base ? data[iv.start - base - 1] : this.#before;
    const after = iv.end - base < data.length ? data[iv.end - base] : undefined;
    if (after === undefined && !final) return true;
    return !isWordByte(before) && !isWordByte(after);
  }
}
