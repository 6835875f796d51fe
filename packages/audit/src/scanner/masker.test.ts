import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileMatcher } from './matcher.js';
import { compileSetMatcher } from './skip-matcher.js';
import { StreamMasker, type MaskSpec } from './masker.js';

function specOf(values: string[], options: { prefilter?: boolean } = {}): MaskSpec {
  const bytes = values.map((v) => Buffer.from(v));
  const replacements = values.map((_, i) => Buffer.from(`<${i}>`));
  return { matcher: compileMatcher(bytes), replacements, ...(options.prefilter ? { prefilter: compileSetMatcher(bytes) } : {}) };
}

function run(spec: MaskSpec, chunks: string[]): string {
  const masker = new StreamMasker(() => spec);
  const out = chunks.flatMap((c) => masker.push(Buffer.from(c)));
  return Buffer.concat([...out, ...masker.end()]).toString();
}

describe('StreamMasker', () => {
  it('holds back at most (longest pattern − 1) bytes while a value may still be starting', () => {
    fc.assert(
      // Patterns end in "d", which the input never contains: prefixes abound, matches never happen.
      fc.property(fc.array(fc.stringMatching(/^[ab]{0,11}d$/), { minLength: 1, maxLength: 5 }), fc.array(fc.stringMatching(/^[abc]{0,30}$/), { maxLength: 10 }), (values, chunks) => {
        const spec = specOf(values);
        const masker = new StreamMasker(() => spec);
        let received = '';
        let emitted = '';
        for (const chunk of chunks) {
          received += chunk;
          emitted += Buffer.concat(masker.push(Buffer.from(chunk))).toString();
          expect(received.startsWith(emitted)).toBe(true);
          expect(received.length - emitted.length).toBeLessThanOrEqual(spec.matcher.longest - 1);
        }
        expect(emitted + Buffer.concat(masker.end()).toString()).toBe(received);
      }),
    );
  });

  it('gives the same output with the skipping prefilter as with the automaton alone', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[abc]{4,10}$/), { minLength: 1, maxLength: 6 }), fc.array(fc.stringMatching(/^[abcd]{0,40}$/), { maxLength: 12 }), (values, chunks) => {
        expect(run(specOf(values, { prefilter: true }), chunks)).toBe(run(specOf(values), chunks));
        expect(run(specOf(values, { prefilter: true }), chunks)).toBe(run(specOf(values), [chunks.join('')]));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same output with the prefilter when values overlap densely (three letters, short chunks)', () => {
    // Overlapping matches across chunk ends are where the prefilter's masked tail matters; the
    // looser property above meets them rarely (it found one in a CI-scale soak, not per run).
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[abc]{4,5}$/), { minLength: 2, maxLength: 6 }), fc.array(fc.stringMatching(/^[abc]{0,5}$/), { maxLength: 10 }), (values, chunks) => {
        expect(run(specOf(values, { prefilter: true }), chunks)).toBe(run(specOf(values), [chunks.join('')]));
      }),
      { numRuns: 8000 },
    );
  });

  it('masks a value that begins under an earlier mask reaching back before the chunk (a property counterexample)', () => {
    // "acab" and "caba" are masked as one region up to offset 5 while "ba" (offsets 3–4) is
    // already behind the chunk; "bacb" starts there and ends in the next chunk. Its last bytes
    // "cb" used to stay visible with the skipping prefilter.
    const values = ['acab', 'bacb', 'caba'];
    const chunks = ['a', 'cab', 'ac', 'b'];
    expect(run(specOf(values, { prefilter: true }), chunks)).toBe('<0>');
    expect(run(specOf(values), chunks)).toBe('<0>');
  });

  it('masks a value split across many one-byte chunks', () => {
    const spec = specOf(['secret-value']);
    const masker = new StreamMasker(() => spec);
    const parts: Buffer[] = [];
    for (const ch of 'xx secret-value yy') parts.push(...masker.push(Buffer.from(ch)));
    parts.push(...masker.end());
    expect(Buffer.concat(parts).toString()).toBe('xx <0> yy');
  });

  it('releases bytes as soon as they cannot start a match', () => {
    const spec = specOf(['abcdef']);
    const masker = new StreamMasker(() => spec);
    expect(Buffer.concat(masker.push(Buffer.from('xyzabc'))).toString()).toBe('xyz');
    expect(Buffer.concat(masker.push(Buffer.from('q'))).toString()).toBe('abcq');
  });
});
