import { describe, expect, it } from 'vitest';
import { scrubStderr, STDERR_SHOWN } from './scrub-stderr.js';

describe('scrubStderr', () => {
  it('removes known values whole, longest first, and line by line', () => {
    const text = scrubStderr(Buffer.from('a=abcd-long b=abcd key line two-of-key\n'), ['abcd', 'abcd-long', 'line one\nline two-of-key']);
    expect(text).toBe('a=*** b=*** key ***');
  });

  it('drops terminal control codes but keeps newlines', () => {
    expect(scrubStderr(Buffer.from('\u001b[31mred\u001b[0m\nnext'), [])).toBe('[31mred[0m\nnext');
  });

  it('caps the text at 4 KiB with an ellipsis', () => {
    const text = scrubStderr(Buffer.alloc(6000, 0x78), []);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(STDERR_SHOWN + 3);
    expect(text.endsWith('…')).toBe(true);
  });
});
