import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { CACHE_MODES, ENGINE_CHOICES, INJECTION_KINDS } from './config-constants.js';
import { defaultBuildConfig, FAST_CONFIG_KEYS, fastParseConfig } from './fast-config.js';
import { buildConfigSchema, configSchema, providerConfigSchema, resolveConfigSchema, secretConfigSchema, servedFileConfigSchema } from './schema.js';
import { validateConfig } from './validate.js';
import { validateConfigLazily } from './validate-lazily.js';

/*
 * The fast config check (no zod) must agree with the zod schema: whatever it accepts, the schema
 * accepts with the same result (same values, defaults and key order), and the lazy validation
 * that uses it accepts and rejects exactly what validateConfig does, with the same issues.
 */

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : Math.floor(Math.random() * 0x7fffffff);
const params = (numRuns: number) => ({ seed: SEED, numRuns });

/** Random configs: `noisy` ones often have a wrong value or an unknown key somewhere; the others only the problems their combination makes (a missing `ref`, a template with `from`, a dangling reference). */
function configs(noisy: boolean): fc.Arbitrary<Record<string, unknown>> {
  /** A value that is usually right for its field and sometimes wrong in a way the schema reports or converts. */
  function field<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
    if (!noisy) return good;
    const wrong = fc.oneof(fc.constant(''), fc.constant('8080'), fc.constant('true'), fc.integer({ min: -3, max: 300 }), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.constant('bad name!'), fc.constant(1.5));
    return fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: wrong, weight: 1 });
  }

  const id = fc.oneof(fc.constantFrom('local', 'files', 'npm_token', 'a.b-c', 'X1'), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,8}$/));
  const varName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
  const text = fc.string({ maxLength: 8 });

  /** An object with some of `fields` (each key present or not), sometimes an unknown key. */
  function partial(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
    if (!noisy) return fc.record(fields, { requiredKeys: [] });
    return fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.constantFrom('unknownKey', 'reff', 'inejct'), { freq: 12 })).map(([obj, extra]) => (extra ? { ...obj, [extra]: 'x' } : obj));
  }

  const provider = partial({ use: field(fc.constantFrom('env', 'keywhiz', './plugin.js')), options: field(fc.dictionary(fc.constantFrom('mode', 'root', 'prefix'), fc.oneof(text, fc.integer()), { maxKeys: 2 })) });

  const fetched = partial({
    from: field(id), ref: field(fc.string({ minLength: 1, maxLength: 6 })), key: field(text), version: field(fc.oneof(text, fc.integer({ min: 0, max: 9 }))),
    inject: field(fc.constantFrom(...INJECTION_KINDS)), allowEmpty: field(fc.boolean()), source: field(fc.constantFrom('file', 'env')), env: field(varName),
    sshId: field(id), passphraseFrom: field(id), maxReads: field(fc.integer({ min: 1, max: 100 })), buildArg: field(varName), allowInsecure: field(fc.boolean()), cache: field(fc.constantFrom(...CACHE_MODES)),
  });
  const rendered = partial({ template: field(text), templateFile: field(fc.string({ minLength: 1, maxLength: 6 })), inject: field(fc.constantFrom(...INJECTION_KINDS)), from: fc.constant('local') });
  /** Mostly well-formed fetched secrets, so the cross-references line up often enough to be accepted. */
  const usualSecret = fc.record({ from: fc.constantFrom('local', 'files'), ref: fc.constantFrom('A', 'B'), inject: fc.constantFrom('secret-mount', 'ssh-agent', 'none') }, { requiredKeys: ['from', 'ref'] });
  const secret = fc.oneof({ arbitrary: usualSecret, weight: 4 }, { arbitrary: fetched, weight: 2 }, { arbitrary: rendered, weight: 1 });

  const resolve = partial({ concurrency: field(fc.integer({ min: 1, max: 256 })), timeoutMs: field(fc.integer({ min: 1, max: 600_000 })), deadlineMs: field(fc.integer({ min: 1, max: 3_600_000 })), retries: field(fc.integer({ min: 0, max: 10 })) });
  const auditSetting = fc.oneof(fc.constantFrom('fail', 'warn', 'off', true, false), partial({ mode: field(fc.constantFrom('fail', 'warn', 'off', true, false)), baseLayers: field(fc.constantFrom('fail', 'warn', 'ignore')) }));
  const build = partial({
    docker: field(fc.constantFrom('docker', '/usr/bin/docker')), dockerfile: field(fc.constantFrom('Dockerfile', 'sub/Dockerfile')), audit: field(auditSetting), minSecretLength: field(fc.integer({ min: 1, max: 64 })),
    servedFile: field(partial({ host: field(fc.constantFrom('127.0.0.1', 'localhost', '::1', '0.0.0.0', '172.17.0.1')), port: field(fc.integer({ min: 0, max: 65_535 })), allowRemote: field(fc.boolean()) })),
    contextCheck: field(fc.constantFrom('warn', 'strict', 'off')), cache: field(fc.constantFrom(...CACHE_MODES)), cacheKeyFrom: field(id), engine: field(fc.constantFrom(...ENGINE_CHOICES)), push: field(fc.boolean()),
  });

  return fc.record(
    {
      $schema: field(fc.constant('https://example.invalid/schema.json')),
      version: fc.oneof({ arbitrary: fc.constant(1), weight: 8 }, { arbitrary: fc.constantFrom(2, '1', 'x'), weight: 1 }),
      providers: fc.oneof({ arbitrary: fc.record({ local: fc.constant({ use: 'env' }), files: fc.constant({ use: 'keywhiz', options: { root: './s' } }) }), weight: 3 }, { arbitrary: fc.dictionary(id, provider, { maxKeys: 3 }), weight: 1 }),
      secrets: fc.dictionary(id, secret, { maxKeys: 4 }),
      resolve: field(resolve),
      build: field(build),
    },
    { requiredKeys: ['version', 'providers', 'secrets'] },
  );
}

const config = fc.oneof(configs(true), configs(false));

async function outcome(run: () => unknown): Promise<{ ok: true; value: string } | { ok: false; issues: unknown }> {
  try {
    return { ok: true, value: JSON.stringify(await run()) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, issues: error.issues };
  }
}

describe('the fast config check', () => {
  it('accepts only what the zod schema accepts, and returns the same config (values, defaults, key order)', () => {
    let accepted = 0;
    let schemaAccepted = 0;
    fc.assert(
      fc.property(config, (raw) => {
        const fast = fastParseConfig(raw);
        const zod = configSchema.safeParse(raw);
        if (zod.success) schemaAccepted++;
        if (fast === undefined) return;
        accepted++;
        expect(zod.success).toBe(true);
        expect(fast).toStrictEqual(zod.data);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
      }),
      params(3000),
    );
    // Not a check that always gives up: it takes most of what the schema takes as it is.
    expect(accepted).toBeGreaterThan(schemaAccepted * 0.9);
    expect(accepted).toBeGreaterThan(300);
  });

  it('makes lazy validation accept, reject and word issues exactly as validateConfig does', async () => {
    await fc.assert(
      fc.asyncProperty(config, async (raw) => {
        const eager = await outcome(() => validateConfig(raw));
        const lazy = await outcome(() => validateConfigLazily(raw));
        expect(lazy).toStrictEqual(eager);
      }),
      params(1500),
    );
  });

  it('gives up on values the schema converts or refuses, so their wording stays the schema’s', () => {
    const base = { version: 1, providers: { local: { use: 'env' } }, secrets: { a: { from: 'local', ref: 'A' } } };
    expect(fastParseConfig(base)).toBeDefined();
    expect(fastParseConfig({ ...base, version: '1' })).toBeUndefined();
    expect(fastParseConfig({ ...base, resolve: { retries: '3' } })).toBeUndefined();
    expect(fastParseConfig({ ...base, secrets: { a: { from: 'local', ref: 'A', version: 2 } } })).toBeUndefined();
    expect(fastParseConfig({ ...base, secrets: { a: { from: 'local' } } })).toBeUndefined();
    expect(fastParseConfig({ ...base, build: { servedFile: { host: '0.0.0.0' } } })).toBeUndefined();
    expect(fastParseConfig({ ...base, extra: true })).toBeUndefined();
    expect(fastParseConfig(null)).toBeUndefined();
    expect(fastParseConfig([])).toBeUndefined();
  });

  it('knows exactly the keys of every object the schema has, so a key added to the schema is never accepted or dropped unseen', () => {
    const shapes = { provider: providerConfigSchema, secret: secretConfigSchema, resolve: resolveConfigSchema, servedFile: servedFileConfigSchema, build: buildConfigSchema, top: configSchema };
    for (const [name, schema] of Object.entries(shapes)) expect(Object.keys(schema.shape), name).toEqual([...FAST_CONFIG_KEYS[name as keyof typeof FAST_CONFIG_KEYS]]);
  });

  it('knows the build defaults', () => {
    expect(defaultBuildConfig()).toStrictEqual(buildConfigSchema.parse({}));
  });
});
