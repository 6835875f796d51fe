import { describe, expect, it } from 'vitest';
import { InvalidSecretError, SecretNotFoundError } from '../errors/index.js';
import { SecretValue } from '../secret-value.js';
import { extractKey, pickKey } from './extract-key.js';
import { verboseDetails } from '../errors/index.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const ctx = { secretId: 'db', provider: 'vault' };
const CANARY = makeCanary('extract-key');

describe('extractKey', () => {
  it('picks a top-level string field', () => {
    expect(extractKey(SecretValue.from(JSON.stringify({ password: CANARY })), 'password', ctx).revealString()).toBe(CANARY);
  });

  it('matches a key containing dots literally before treating dots as nesting', () => {
    const data = { 'db.password': 'literal', db: { password: 'nested' } };
    expect(pickKey(data, 'db.password', ctx).revealString()).toBe('literal');
    expect(pickKey({ db: { password: 'nested' } }, 'db.password', ctx).revealString()).toBe('nested');
    expect(pickKey({ 'a.b': { c: 'mixed' } }, 'a.b.c', ctx).revealString()).toBe('mixed');
  });

  it('returns numbers, booleans and objects as JSON text', () => {
    expect(pickKey({ port: 5432 }, 'port', ctx).revealString()).toBe('5432');
    expect(pickKey({ o: { a: 1 } }, 'o', ctx).revealString()).toBe('{"a":1}');
  });

  it('reports a missing key with the COUNT of keys present (names only for --verbose), never the values', () => {
    let err: unknown;
    try {
      pickKey({ user: CANARY, pass: CANARY }, 'password', ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SecretNotFoundError);
    expect((err as Error).message).toContain('has no key "password" (it has 2 keys; --verbose lists them)');
    expect((err as Error).message).not.toMatch(/\bpass\b|\buser\b/);
    expect(JSON.stringify(err)).not.toMatch(/\bpass\b|\buser\b/);
    expect(verboseDetails(err)).toEqual(['keys present: pass, user']);
    expect((err as Error).message).not.toContain(CANARY);
  });

  it('refuses a non-JSON secret without quoting it (JSON.parse messages quote their input)', () => {
    let err: unknown;
    try {
      extractKey(SecretValue.from(`not json ${CANARY}`), 'k', ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidSecretError);
    expect(`${(err as Error).message}${(err as Error).stack}${String((err as Error).cause)}`).not.toContain(CANARY);
  });
});
