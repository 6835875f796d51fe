import { describe, expect, it } from 'vitest';
import { secretConfigSchema } from '../config/schema.js';
import { InvalidSecretError } from '../errors/index.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import type { CachedSecret } from './cache-mode.js';
import { prepareCacheRevs, type CacheRevInput } from './cache-revs.js';
import { KEYED_REV_PATTERN } from './keyed-rev.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('cache-revs');
const KEY = makeCanary('cache-key');
const cached = (id: string, mode: CachedSecret['mode']): CachedSecret => ({ id, mode, config: secretConfigSchema.parse({ from: 'vault', ref: `secret/${id}`, cache: mode }) });

function input(over: Partial<CacheRevInput> = {}): CacheRevInput {
  const redactor = createRedactor();
  const values = new Map([['npm', SecretValue.from(CANARY)], ['cachekey', SecretValue.from(KEY)]]);
  for (const [id, v] of values) redactor.add(id, v);
  return { secrets: [cached('npm', 'version')], values, versionIds: new Map([['npm', 'secret/npm@3']]), cacheKeyFrom: 'cachekey', redactor, ...over };
}

describe('prepareCacheRevs', () => {
  it('passes a version rev as build-arg BUILDSECRETS_REV_<ID>: the name on argv, the rev in the engine env', () => {
    const injection = prepareCacheRevs(input());
    expect(injection.engineArgs).toEqual(['--build-arg', 'BUILDSECRETS_REV_NPM']);
    expect(injection.env).toEqual({ BUILDSECRETS_REV_NPM: 'version:secret/npm@3' });
    expect(injection.summary.join('\n')).toContain('BUILDSECRETS_REV_NPM=version:secret/npm@3');
  });

  it('passes a keyed rev that depends on the value but never contains it', () => {
    const first = prepareCacheRevs(input({ secrets: [cached('npm', 'keyed')] })).env['BUILDSECRETS_REV_NPM']!;
    expect(first).toMatch(KEYED_REV_PATTERN);
    const rotated = input({ secrets: [cached('npm', 'keyed')], values: new Map([['npm', SecretValue.from(`${CANARY}-2`)], ['cachekey', SecretValue.from(KEY)]]) });
    expect(prepareCacheRevs(rotated).env['BUILDSECRETS_REV_NPM']).not.toBe(first);
    expect(JSON.stringify(prepareCacheRevs(input({ secrets: [cached('npm', 'keyed')] })))).not.toContain(CANARY);
  });

  it('does not register revs with the redactor, so logs show them as they are', () => {
    const i = input({ secrets: [cached('npm', 'keyed')] });
    const before = i.redactor.size;
    const { summary } = prepareCacheRevs(i);
    expect(i.redactor.size).toBe(before);
    expect(i.redactor.redact(summary[0]!)).toBe(summary[0]);
  });

  it('fails closed when the provider returned no version id (a KV v1 mount)', () => {
    const err = (() => { try { prepareCacheRevs(input({ versionIds: new Map() })); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(InvalidSecretError);
    expect((err as InvalidSecretError).message).toMatch(/provider "vault" returned no version id/);
    expect((err as InvalidSecretError).hint).toMatch(/cache: keyed/);
  });

  it('refuses a version id that cannot travel as a rev (spaces, control characters, too long)', () => {
    for (const bad of ['two words', 'line\nbreak', 'x'.repeat(257), '']) {
      expect(() => prepareCacheRevs(input({ versionIds: new Map([['npm', bad]]) }))).toThrow(InvalidSecretError);
    }
  });

  it('refuses a version id holding a secret value or an interpolated value, without printing it', () => {
    const i = input({ versionIds: new Map([['npm', `secret/${CANARY}@1`]]) });
    const err = (() => { try { prepareCacheRevs(i); } catch (e) { return e as Error; } })()!;
    expect(err.message).toMatch(/contains a secret value/);
    expect(`${err.message}${err.stack}`).not.toContain(CANARY);
    const interpolated = input({ versionIds: new Map([['npm', 'secret/team-x/npm@1']]) });
    interpolated.redactor.add('env:TEAM', 'team-x');
    expect(() => prepareCacheRevs(interpolated)).toThrow(/interpolated/);
  });

  it('needs a cache key of at least 16 bytes for keyed revs', () => {
    const shortKey = input({ secrets: [cached('npm', 'keyed')], values: new Map([['npm', SecretValue.from(CANARY)], ['cachekey', SecretValue.from('short-key-15byt')]]) });
    expect(() => prepareCacheRevs(shortKey)).toThrow(/15 bytes; at least 16/);
    expect(() => prepareCacheRevs(input({ secrets: [cached('npm', 'keyed')], cacheKeyFrom: undefined }))).toThrow(/build.cacheKeyFrom/);
  });
});
