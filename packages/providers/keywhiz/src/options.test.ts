import { parseConfig, validateProviderOptions, ConfigError } from '@buildsecrets/core';
import { describe, expect, it } from 'vitest';
import keywhizProvider from './index.js';
import { keywhizOptionsSchema } from './options.js';

function optionsOf(options: string): unknown {
  const { config } = parseConfig(`version: 1\nproviders:\n  kw: { use: keywhiz, options: ${options} }\nsecrets: {}\n`, { env: {} });
  return validateProviderOptions(config, new Map([['kw', keywhizProvider]])).get('kw');
}

function problemOf(options: string): string {
  try {
    optionsOf(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`).join('\n');
  }
  throw new Error('expected a config error');
}

describe('keywhiz options', () => {
  it('infers directory mode from `root` alone', () => {
    expect(optionsOf('{ root: ./secrets }')).toEqual({ mode: 'directory', root: './secrets' });
  });

  it('infers server mode from `url` and the TLS files', () => {
    expect(optionsOf('{ url: "https://keywhiz:4444", clientCert: c.pem, clientKey: k.pem, ca: ca.pem }')).toMatchObject({ mode: 'server', url: 'https://keywhiz:4444' });
  });

  it('still accepts an explicit mode', () => {
    expect(keywhizOptionsSchema.parse({ mode: 'directory', root: '/run/secrets' })).toEqual({ mode: 'directory', root: '/run/secrets' });
  });

  it('names both forms and the keys each needs when the options match neither', () => {
    const problem = problemOf('{ mode: server, root: ./secrets }');
    expect(problem).toBe('providers.kw.options: matches none of its 2 forms: { mode: directory, root } or { mode: server, url, clientCert, clientKey, ca }');
  });

  it('names both forms for empty options too', () => {
    expect(problemOf('{}')).toContain('{ mode: directory, root } or { mode: server, url, clientCert, clientKey, ca }');
  });
});
