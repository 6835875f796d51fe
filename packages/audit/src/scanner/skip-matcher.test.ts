import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSetMatcher } from './skip-matcher.js';

function naive(patterns: Buffer[], text: Buffer): Set<number> {
  return new Set(patterns.flatMap((p, i) => (text.includes(p) ? [i] : [])));
}

function found(patterns: Buffer[], text: Buffer): Set<number> {
  const out = new Set<number>();
  compileSetMatcher(patterns).find(text, (i) => out.add(i));
  return out;
}

describe('compileSetMatcher', () => {
  it('finds exactly the patterns a naive search finds (small alphabet, many near misses)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[abc]{4,14}$/), { minLength: 1, maxLength: 12 }),
        fc.stringMatching(/^[abcd]{0,400}$/),
        (patterns, text) => {
          const ps = patterns.map((p) => Buffer.from(p));
          expect(found(ps, Buffer.from(text))).toEqual(naive(ps, Buffer.from(text)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds planted binary patterns at any offset', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }), fc.uint8Array({ maxLength: 600 }), fc.nat(), (patterns, noise, at) => {
        const ps = patterns.map((p) => Buffer.from(p));
        const offset = at % (noise.length + 1);
        const text = Buffer.concat([noise.subarray(0, offset), ps[0]!, noise.subarray(offset)]);
        const result = found(ps, text);
        expect(result.has(0)).toBe(true);
        expect(result).toEqual(naive(ps, text));
      }),
      { numRuns: 300 },
    );
  });
});
