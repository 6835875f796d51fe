import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretValue } from './secret-value.js';
import { makeCanary } from '../../../test/setup/canary-values.js';

const CANARY = makeCanary('secret-value');

describe('SecretValue', () => {
  const value = SecretValue.from(CANARY);

  it('prints [redacted] through every implicit conversion', () => {
    expect(String(value)).toBe('[redacted]');
    expect(`${value}`).toBe('[redacted]');
    expect(value + '').toBe('[redacted]');
    expect(JSON.stringify({ value })).toBe('{"value":"[redacted]"}');
    expect(inspect(value)).toBe('SecretValue([redacted])');
    expect(inspect({ nested: { value } }, { depth: 5 })).not.toContain(CANARY);
  });

  it('gives the bytes only through an explicit call, as a copy', () => {
    const copy = value.reveal();
    expect(copy.toString('utf8')).toBe(CANARY);
    copy.fill(0);
    expect(value.revealString()).toBe(CANARY);
  });

  it('copies the input so the caller can wipe its own buffer', () => {
    const input = Buffer.from(CANARY);
    const v = SecretValue.from(input);
    input.fill(0);
    expect(v.revealString()).toBe(CANARY);
  });

  it('compares in constant time and reports size and emptiness', () => {
    expect(value.equals(Buffer.from(CANARY))).toBe(true);
    // The same length, one byte different (the last).
    expect(value.equals(Buffer.from(`${CANARY.slice(0, -1)}${CANARY.endsWith('x') ? 'y' : 'x'}`))).toBe(false);
    expect(value.length).toBe(CANARY.length);
    expect(SecretValue.from('').isEmpty).toBe(true);
  });

  it('can be wiped, after which reads fail without quoting the value', () => {
    const v = SecretValue.from(CANARY);
    v.wipe();
    expect(() => v.reveal()).toThrow(/wiped/);
  });

  it('is recognised by instanceof through its brand, not its prototype', () => {
    const lookalike = Object.create(null) as object;
    Object.defineProperty(lookalike, Symbol.for('@buildsecrets/core/secret-value'), { value: true });
    expect(lookalike instanceof SecretValue).toBe(true);
    expect({} instanceof SecretValue).toBe(false);
  });
});
