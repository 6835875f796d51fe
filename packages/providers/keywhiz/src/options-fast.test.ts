import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import keywhizProvider from './index.js';
import { keywhizOptionsSchema, parseKeywhizOptionsFast } from './options.js';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : Math.floor(Math.random() * 0x7fffffff);

const value = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('directory', 'server', './secrets', 'https://kw:4444', ''), fc.integer(), fc.boolean(), fc.constant(null));
const options = fc.oneof(
  fc.record({ mode: fc.constantFrom('directory', 'server', 'other'), root: value }, { requiredKeys: ['root'] }),
  fc.record({ mode: fc.constant('directory'), root: fc.string({ minLength: 1, maxLength: 8 }) }, { requiredKeys: ['root'] }),
  fc.dictionary(fc.constantFrom('mode', 'root', 'url', 'clientCert', 'clientKey', 'ca', 'timeoutMs', 'roots'), value, { maxKeys: 4 }),
);

describe('keywhiz options without zod (parseOptionsFast)', () => {
  it('accepts only what the schema accepts (directory mode), with the same result', () => {
    let accepted = 0;
    fc.assert(
      fc.property(options, (input) => {
        const fast = parseKeywhizOptionsFast(input);
        if (fast === undefined) return;
        accepted++;
        const zod = keywhizOptionsSchema.safeParse(input);
        expect(zod.success).toBe(true);
        expect(fast).toStrictEqual(zod.data);
        expect(keywhizProvider.optionsSchema.safeParse(input)).toStrictEqual(zod);
      }),
      { seed: SEED, numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('leaves server mode and every problem to the schema', () => {
    expect(parseKeywhizOptionsFast({ root: './secrets' })).toStrictEqual({ mode: 'directory', root: './secrets' });
    expect(parseKeywhizOptionsFast({ mode: 'server', url: 'https://kw:4444', clientCert: 'c', clientKey: 'k', ca: 'a' })).toBeUndefined();
    expect(parseKeywhizOptionsFast({ root: '' })).toBeUndefined();
    expect(parseKeywhizOptionsFast({})).toBeUndefined();
  });
});
