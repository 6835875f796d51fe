import { describe, expect, it } from 'vitest';
import { splitFirstWord, splitWords, unquoteWord } from './words.js';

describe('splitWords', () => {
  it('splits on whitespace outside quotes and keeps the quotes', () => {
    expect(splitWords(`A=1 B="x y" C='p q' D=a\\ b`)).toEqual(['A=1', 'B="x y"', "C='p q'", 'D=a\\ b']);
  });

  it('uses the file escape character', () => {
    expect(splitWords('A=a` b C', '`')).toEqual(['A=a` b', 'C']);
  });

  it('keeps an empty quoted word', () => {
    expect(splitWords(`X ""`)).toEqual(['X', '""']);
  });
});

describe('unquoteWord', () => {
  it('removes quotes and escapes', () => {
    expect(unquoteWord(`"a b"`)).toBe('a b');
    expect(unquoteWord(`'a\\b'`)).toBe('a\\b');
    expect(unquoteWord('a\\ b')).toBe('a b');
  });
});

describe('splitFirstWord', () => {
  it('separates the keyword from its arguments', () => {
    expect(splitFirstWord('  RUN\t echo hi ')).toEqual(['RUN', 'echo hi']);
    expect(splitFirstWord('CMD')).toEqual(['CMD', '']);
  });
});
