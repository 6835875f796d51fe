import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretValue } from '@buildsecrets/base';
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
    // Plain ASCII letters: URL (but fully percent-encoded) and JSON forms equal the raw bytes, base64url equals base64.
    expect(names).toEqual(new Set(['raw', 'base64', 'hex', 'hex-upper', 'url-full', 'utf16le']));
    const keys = set.patterns.map((p) => p.bytes.toString('latin1'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps the same bytes once per secret so both ids are reported', () => {
    const set = buildPatterns([{ id: 'a', value: 'shared-value-1' }, { id: 'b', value: 'shared-value-1' }]);
    expect(set.patterns.filter((p) => p.encoding === 'raw').map((p) => p.secretId)).toEqual(['a', 'b']);
  });

  it('adds the identifying lines of a multi-line value, never armour, short or low-entropy lines', () => {
    const body = 'MC4CAQAwBQYDK2VwBCIEIKl3zR9+fQx0Wd1mC8sZ5b2T';
    const value = `-----BEGIN PRIVATE KEY-----\n  ${body}\nshort\nAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n`;
    const set = buildPatterns([{ id: 'pem', value }]);
    expect(set.patterns.filter((p) => p.encoding === 'line').map((p) => p.bytes.toString())).toEqual([body]);
  });

  it('searches a value that ends in a newline also without it, in every encoding', () => {
    const set = buildPatterns([{ id: 't', value: 'tok-5d41402abc4b\n' }]);
    const hex = Buffer.from('tok-5d41402abc4b').toString('hex');
    expect(set.patterns.some((p) => p.encoding === 'hex' && p.bytes.toString() === hex)).toBe(true);
    expect(set.patterns.some((p) => p.encoding === 'raw' && p.bytes.toString() === 'tok-5d41402abc4b')).toBe(true);
    expect(set.patterns.some((p) => p.encoding === 'line')).toBe(false);
  });

  it('still lists a 7-byte value plus newline as too short', () => {
    expect(buildPatterns([{ id: 'pin', value: '1234567\n' }]).tooShort).toEqual(['pin']);
  });

  it('finds base64 and base64url of a value at any offset inside a longer blob', () => {
    fc.assert(
      // A value ending in a line break is searched without it (see the newline test above).
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }).filter((v) => v[v.length - 1] !== 0x0a), fc.uint8Array({ maxLength: 9 }), fc.uint8Array({ maxLength: 9 }), (value, before, after) => {
        const { patterns } = buildPatterns([{ id: 'v', value }]);
        const blob = Buffer.concat([before, value, after]);
        expect(has(blob.toString('base64'), patterns.filter((p) => p.encoding === 'base64'))).toBe(true);
        expect(has(blob.toString('base64url'), patterns.filter((p) => p.encoding === 'base64url' || p.encoding === 'base64'))).toBe(true);
        expect(has(blob.toString('hex'), patterns)).toBe(true);
      }),
    );
  });
});
