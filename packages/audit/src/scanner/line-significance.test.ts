import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcParams } from '../__fixtures__/fc-seed.js';
import { isSignificantLine, lineEntropyBits, MIN_LINE_BITS, MIN_LINE_BYTES } from './line-significance.js';

const line = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('which lines of a multi-line value identify it', () => {
  it('never counts armour, the fixed OpenSSH header line, short lines or runs of one character', () => {
    for (const text of [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      '-----END RSA PRIVATE KEY-----',
      '---- BEGIN SSH2 PUBLIC KEY ----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'Zq3!x9Lp0aB7Ke2',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      expect(isSignificantLine(line(text)), text).toBe(false);
    }
  });

  it('counts the body lines of a key', () => {
    expect(isSignificantLine(line('QyNTUxOQAAACDxq2Jd0Cw5Hk1sFm0p8Q0yPe3vJbA7v4hZl4m3g1X8zQAAAJgb2n0mG9p9'))).toBe(true);
  });

  it('the measure depends only on which bytes occur how often (order does not matter), and is 0 for one repeated byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, seed) => {
        const shuffled = [...bytes].map((b, i) => [b, (i * 7919 + seed) % 1009] as const).sort((a, b) => a[1] - b[1]).map(([b]) => b);
        expect(lineEntropyBits(Uint8Array.from(shuffled))).toBeCloseTo(lineEntropyBits(bytes), 6);
        if (bytes.length > 0) expect(lineEntropyBits(new Uint8Array(bytes.length).fill(bytes[0]!))).toBe(0);
      }),
      fcParams(200),
    );
  });

  it('is bounded by length × log2(distinct bytes), reached when every byte is distinct', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        const distinct = new Set(bytes).size;
        expect(lineEntropyBits(bytes)).toBeLessThanOrEqual(bytes.length * Math.log2(distinct) + 1e-9);
      }),
      fcParams(200),
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0x21, max: 0x7e }), { minLength: MIN_LINE_BYTES, maxLength: 90 }), (codes) => {
        // 16+ distinct bytes carry ≥ 64 bits: always significant (they cannot be armour: it repeats '-').
        expect(isSignificantLine(Uint8Array.from(codes))).toBe(true);
      }),
      fcParams(200),
    );
  });

  it('random base64 lines of 20+ characters and hex lines of 24+ (what keys and tokens are made of) always count', () => {
    fc.assert(
      fc.property(fc.noBias(fc.uint8Array({ minLength: 15, maxLength: 60 })), (raw) => {
        const b64 = Buffer.from(raw).toString('base64');
        expect(lineEntropyBits(line(b64))).toBeGreaterThanOrEqual(MIN_LINE_BITS);
        expect(isSignificantLine(line(Buffer.from(raw).toString('hex')))).toBe(true);
      }),
      fcParams(300),
    );
  });
});
