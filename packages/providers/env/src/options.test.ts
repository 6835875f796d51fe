import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import envProvider, { envProviderOptionsSchema } from './index.js';
import { parseEnvOptionsFast } from './options.js';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : Math.floor(Math.random() * 0x7fffffff);

const options = fc.oneof(
  fc.constant({}),
  fc.record({ prefix: fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)) }),
  fc.dictionary(fc.constantFrom('prefix', 'prefx', 'mode'), fc.oneof(fc.string({ maxLength: 4 }), fc.boolean()), { maxKeys: 2 }),
);

describe('env options without zod (parseOptionsFast)', () => {
  it('accepts only what the schema accepts, with the same result', () => {
    let accepted = 0;
    fc.assert(
      fc.property(options, (input) => {
        const fast = parseEnvOptionsFast(input);
        if (fast === undefined) return;
        accepted++;
        const zod = envProvider.optionsSchema.safeParse(input);
        expect(zod.success).toBe(true);
        expect(fast).toStrictEqual(zod.data);
      }),
      { seed: SEED, numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('builds the schema on first use, and it reads options as the exported one does', () => {
    expect(envProvider.optionsSchema).toBe(envProvider.optionsSchema);
    expect(envProvider.optionsSchema.safeParse({ prefix: 'CI_' })).toStrictEqual(envProviderOptionsSchema.safeParse({ prefix: 'CI_' }));
    expect(envProvider.optionsSchema.safeParse({ prefix: '1x' }).success).toBe(false);
  });
});
