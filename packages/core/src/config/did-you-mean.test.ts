import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, levenshtein } from './did-you-mean.js';

describe('levenshtein', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(levenshtein('secret', 'secrets')).toBe(1);
    expect(levenshtein('secrets', 'secret')).toBe(1);
    expect(levenshtein('from', 'form')).toBe(1);
    expect(levenshtein('audti', 'audit')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });
});

describe('closestMatch', () => {
  const keys = ['from', 'ref', 'key', 'version', 'inject', 'buildArg'];
  it('suggests the plausible typo target', () => {
    expect(closestMatch('inejct', keys)).toBe('inject');
    expect(closestMatch('buildarg', keys)).toBe('buildArg');
    expect(closestMatch('verison', keys)).toBe('version');
  });
  it('suggests nothing for unrelated words', () => {
    expect(closestMatch('colour', keys)).toBeUndefined();
    expect(didYouMean('zzz', keys)).toBe('');
  });
  it('formats the hint', () => {
    expect(didYouMean('fro', keys)).toBe('; did you mean "from"?');
  });
});
