import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretValue } from '../secret-value.js';
import { KEYED_REV_BITS, KEYED_REV_PATTERN, keyedRev } from './keyed-rev.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const KEY = SecretValue.from('k'.repeat(32));
const VALUE = makeCanary('keyed-rev-value');

describe('keyedRev', () => {
  it('is HMAC-SHA-256 of domain, id and value, truncated to 128 bits (32 hex digits)', () => {
    const expected = createHmac('sha256', 'k'.repeat(32)).update(`buildsecrets/cache-rev/v1\u0000npm\u0000${VALUE}`).digest('hex').slice(0, 32);
    expect(KEYED_REV_BITS).toBe(128);
    expect(keyedRev('npm', SecretValue.from(VALUE), KEY)).toBe(`hmac-sha256-128:${expected}`);
  });

  it('has the documented shape and never contains the value or its hex', () => {
    const rev = keyedRev('npm', SecretValue.from(VALUE), KEY);
    expect(rev).toMatch(KEYED_REV_PATTERN);
    expect(rev).not.toContain(VALUE);
    expect(rev).not.toContain(Buffer.from(VALUE).toString('hex').slice(0, 16));
  });

  it('is stable for one value and changes with the value, the key and the secret id', () => {
    const a = keyedRev('npm', SecretValue.from(VALUE), KEY);
    expect(keyedRev('npm', SecretValue.from(VALUE), KEY)).toBe(a);
    expect(keyedRev('npm', SecretValue.from(`${VALUE}-rotated`), KEY)).not.toBe(a);
    expect(keyedRev('npm', SecretValue.from(VALUE), SecretValue.from('j'.repeat(32)))).not.toBe(a);
    expect(keyedRev('pip', SecretValue.from(VALUE), KEY), 'equal values of two secrets are not revealed as equal').not.toBe(a);
  });

  it('is not the plain SHA-256 of the value (a guess cannot be checked without the key)', () => {
    const plain = createHmac('sha256', '').update(VALUE).digest('hex').slice(0, 32);
    const sha = createHash('sha256').update(VALUE).digest('hex').slice(0, 32);
    const rev = keyedRev('npm', SecretValue.from(VALUE), KEY);
    expect(rev).not.toContain(plain);
    expect(rev).not.toContain(sha);
  });

  it('leaves the key and value usable (it reads copies)', () => {
    const value = SecretValue.from(VALUE);
    keyedRev('npm', value, KEY);
    expect(value.revealString()).toBe(VALUE);
    expect(KEY.length).toBe(32);
  });
});
