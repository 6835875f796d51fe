import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretValue } from '../secret-value.js';
import { buildPatterns } from './patterns.js';

const has = (haystack: string, patterns: readonly { bytes: Buffer }[]): boolean => patterns.some((p) => haystack.includes(p.bytes.toString('latin1')));

describe('buildPatterns', () => {
  it('lists values shorter than 8 bytes as too short and builds nothing for them', () => {
    const set = buildPatterns([
      { id: 'pin', value: SecretValue.from('1234567') },
      { id: 'token', value: SecretValue.from('12345678') },
    ]);
    expect(set.tooShort).toEqual(['pin']);
    expect(new Set(set.patterns.map((p) => p.secretId))).toEqual(new Set(['token']));
  });

  it('names every encoding and drops duplicate bytes of the same secret', () => {
    const set = buildPatterns([{ id: 't', value: 'zyxwvuts' }]);
    const names = new Set(set.patterns.map((p) => p.encoding));
    // Plain ASCII letters: URL and JSON forms equal the raw bytes, base64url equals base64.
    expect(names).toEqual(new Set(['raw', 'base64', 'hex', 'hex-upper']));
    const keys = set.patterns.map((p) => p.bytes.toString('latin1'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps the same bytes once per secret so both ids are reported', () => {
    const set = buildPatterns([{ id: 'a', value: 'shared-value-1' }, { id: 'b', value: 'shared-value-1' }]);
    expect(set.patterns.filter((p) => p.encoding === 'raw').map((p) => p.secretId)).toEqual(['a', 'b']);
  });

  it('adds the long lines of a multi-line value', () => {
    const set = buildPatterns([{ id: 'pem', value: '-----BEGIN X-----\n  AAAABBBBCCCC\nshort\n' }]);
    expect(set.patterns.filter((p) => p.encoding === 'line').map((p) => p.bytes.toString())).toEqual(['-----BEGIN X-----', 'AAAABBBBCCCC']);
  });

  it('finds base64 and base64url of a value at any offset inside a longer blob', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), fc.uint8Array({ maxLength: 9 }), fc.uint8Array({ maxLength: 9 }), (value, before, after) => {
        const { patterns } = buildPatterns([{ id: 'v', value }]);
        const blob = Buffer.concat([before, value, after]);
        expect(has(blob.toString('base64'), patterns.filter((p) => p.encoding === 'base64'))).toBe(true);
        expect(has(blob.toString('base64url'), patterns.filter((p) => p.encoding === 'base64url' || p.encoding === 'base64'))).toBe(true);
        expect(has(blob.toString('hex'), patterns)).toBe(true);
      }),
    );
  });
});
