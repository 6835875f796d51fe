import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMatcher } from './matcher.js';

/** Every (pattern, end) occurrence, overlapping ones included, sorted. */
function naive(patterns: Buffer[], text: Buffer): string[] {
  const out: string[] = [];
  patterns.forEach((p, i) => {
    for (let at = text.indexOf(p); at !== -1; at = text.indexOf(p, at + 1)) out.push(`${i}@${at + p.length}`);
  });
  return out.sort();
}

/** The longest suffix of `seen` that is a prefix of some pattern: what the automaton's depth must say. */
function naiveDepth(patterns: Buffer[], seen: Buffer): number {
  for (let d = Math.min(seen.length, Math.max(0, ...patterns.map((p) => p.length))); d > 0; d--) {
    const tail = seen.subarray(seen.length - d);
    if (patterns.some((p) => p.length >= d && p.subarray(0, d).equals(tail))) return d;
  }
  return 0;
}

/** Scan `text` in the given chunk sizes, carrying the state; returns the matches and the final state. */
function scanned(patterns: Buffer[], text: Buffer, cuts: number[] = []): { matches: string[]; state: number; depth: number } {
  const matcher = compileMatcher(patterns);
  const matches: string[] = [];
  let state = matcher.initial;
  let from = 0;
  for (const cut of [...cuts.filter((c) => c < text.length).sort((a, b) => a - b), text.length]) {
    state = matcher.scan(text, from, cut, state, (i, end) => matches.push(`${i}@${end}`));
    from = cut;
  }
  return { matches: matches.sort(), state, depth: matcher.depth(state) };
}

describe('compileMatcher', () => {
  it('reports every occurrence of every pattern, overlapping and nested ones too (small alphabet: shared prefixes, long failure chains)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[abc]{1,10}$/), { minLength: 1, maxLength: 12 }),
        fc.stringMatching(/^[abcd]{0,300}$/),
        fc.array(fc.nat(300), { maxLength: 5 }),
        (patterns, text, cuts) => {
          const ps = patterns.map((p) => Buffer.from(p));
          const t = Buffer.from(text);
          const run = scanned(ps, t, cuts);
          expect(run.matches).toEqual(naive(ps, t));
          expect(run.depth).toBe(naiveDepth(ps, t));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds binary patterns over all byte values, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 24 }), { minLength: 1, maxLength: 8 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(200),
        fc.array(fc.nat(400), { maxLength: 4 }),
        (patterns, noise, at, cuts) => {
          const ps = patterns.map((p) => Buffer.from(p));
          const split = Math.min(at, noise.length);
          const t = Buffer.concat([noise.subarray(0, split), ps[0]!, noise.subarray(split)]);
          const run = scanned(ps, t, cuts);
          expect(run.matches).toEqual(naive(ps, t));
          expect(run.matches).toContain(`0@${split + ps[0]!.length}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports a pattern found twice, and the same bytes under two indexes (two secrets with one value)', () => {
    const ps = [Buffer.from('token'), Buffer.from('token'), Buffer.from('ok')];
    expect(scanned(ps, Buffer.from('token-token')).matches).toEqual(['0@5', '0@11', '1@5', '1@11', '2@3', '2@9'].sort());
  });

  it('knows its size, lengths and longest pattern; an empty set matches nothing', () => {
    const m = compileMatcher([Buffer.from('abc'), Buffer.from('de')]);
    expect({ size: m.size, longest: m.longest, lengths: m.lengths }).toEqual({ size: 2, longest: 3, lengths: [3, 2] });
    expect(scanned([], Buffer.from('anything')).matches).toEqual([]);
  });
});
