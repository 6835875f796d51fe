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

  it('normalises control characters before masking: a value echoed with one inside is still masked', () => {
    const value = 'canary-exec-cred-8d2f';
    for (const echoed of [`canary-exec-\u0001cred-8d2f`, `canary\u001b-exec-cred-8d2f`, `canary-exec-cred-8d2\u007ff`]) {
      const text = scrubStderr(Buffer.from(`auth failed for ${echoed}\n`), [value]);
      expect(text).toBe('auth failed for ***');
    }
    // A value that itself holds a control character, echoed as is.
    expect(scrubStderr(Buffer.from('token tok\u0007en-value-11 rejected'), ['tok\u0007en-value-11'])).toBe('token *** rejected');
  });

  it('masks every encoding the core redactor knows', () => {
    const value = 'canary-exec-encoded-4c7e';
    const bytes = Buffer.from(value);
    const forms = {
      base64: bytes.toString('base64'),
      base64url: Buffer.from(`x${value}`).toString('base64url'),
      hex: bytes.toString('hex'),
      'hex-upper': bytes.toString('hex').toUpperCase(),
      url: encodeURIComponent(`${value}/&?`),
      json: JSON.stringify(`${value}"q`).slice(1, -1),
    };
    for (const [name, form] of Object.entries(forms)) {
      const text = scrubStderr(Buffer.from(`got ${form} back`), [name === 'url' ? `${value}/&?` : name === 'json' ? `${value}"q` : value]);
      expect([name, text.includes(value) || text.includes(form.slice(4, -4))]).toEqual([name, false]);
    }
  });
});
