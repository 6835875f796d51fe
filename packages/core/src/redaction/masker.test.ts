import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileMatcher } from './matcher.js';
import { StreamMasker, type MaskSpec } from './masker.js';

function specOf(values: string[]): MaskSpec {
  return { matcher: compileMatcher(values.map((v) => Buffer.from(v))), replacements: values.map(() => Buffer.from('***')) };
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

  it('masks a value split across many one-byte chunks', () => {
    const spec = specOf(['secret-value']);
    const masker = new StreamMasker(() => spec);
    const parts: Buffer[] = [];
    for (const ch of 'xx secret-value yy') parts.push(...masker.push(Buffer.from(ch)));
    parts.push(...masker.end());
    expect(Buffer.concat(parts).toString()).toBe('xx *** yy');
  });

  it('releases bytes as soon as they cannot start a match', () => {
    const spec = specOf(['abcdef']);
    const masker = new StreamMasker(() => spec);
    expect(Buffer.concat(masker.push(Buffer.from('xyzabc'))).toString()).toBe('xyz');
    expect(Buffer.concat(masker.push(Buffer.from('q'))).toString()).toBe('abcq');
  });
});
