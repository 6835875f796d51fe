import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { defineProvider } from '../provider/define-provider.js';
import { parseConfig } from './parse-config.js';
import { safeParseCoercing } from './coerce-scalars.js';
import { validateProviderOptions } from './validate.js';

const BASE = 'version: 1\nproviders:\n  local: { use: env }\n';

describe('numbers and booleans from ${VAR} interpolation, and bare integer versions', () => {
  it('accepts numeric settings that come from the environment', () => {
    const { config } = parseConfig(`${BASE}secrets:\n  a: { from: local, ref: A }\nresolve:\n  timeoutMs: \${TIMEOUT}\n  retries: \${RETRIES:-3}\n`, { env: { TIMEOUT: '5000' } });
    expect(config.resolve?.timeoutMs).toBe(5000);
    expect(config.resolve?.retries).toBe(3);
  });

  it('accepts `version: ${VERSION}` at the top', () => {
    const { config } = parseConfig(`version: \${V}\nproviders:\n  local: { use: env }\nsecrets: {}\n`, { env: { V: '1' } });
    expect(config.version).toBe(1);
  });

  it('accepts `version: 2` (a YAML integer) on a secret, as the text "2"', () => {
    const { config } = parseConfig(`${BASE}secrets:\n  a: { from: local, ref: A, version: 2 }\n`, { env: {} });
    expect(config.secrets['a']?.version).toBe('2');
  });

  it('still refuses a string that is not a number where a number is expected', () => {
    expect(() => parseConfig(`${BASE}secrets:\n  a: { from: local, ref: A }\nresolve:\n  timeoutMs: \${T}\n`, { env: { T: 'soon' } })).toThrow(ConfigError);
  });

  it('converts plugin options too: a port and a flag from the environment', () => {
    const plugin = defineProvider<{ port: number; tls: boolean }>({
      apiVersion: 1,
      name: 'net',
      optionsSchema: z.object({ port: z.number().int(), tls: z.boolean() }).strict(),
      capabilities: {},
      async create() {
        throw new Error('not here');
      },
    });
    const { config } = parseConfig('version: 1\nproviders:\n  n: { use: net, options: { port: "${PORT}", tls: "${TLS}" } }\nsecrets: {}\n', { env: { PORT: '8200', TLS: 'true' } });
    const options = validateProviderOptions(config, new Map([['n', plugin]]));
    expect(options.get('n')).toEqual({ port: 8200, tls: true });
  });

  it('converts inside union branches', () => {
    const schema = z.union([z.object({ mode: z.literal('a'), n: z.number() }), z.object({ mode: z.literal('b'), url: z.string() })]);
    const result = safeParseCoercing(schema, { mode: 'a', n: '42' });
    expect(result.success && result.data).toEqual({ mode: 'a', n: 42 });
  });

  it('leaves the input object untouched', () => {
    const input = { n: '1' };
    safeParseCoercing(z.object({ n: z.number() }), input);
    expect(input).toEqual({ n: '1' });
  });
});
