import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/parse-config.js';
import { ConfigError, PluginLoadError } from '../errors/index.js';
import { defineProvider } from '../provider/define-provider.js';
import { z } from 'zod';
import { loadProviderDefinitions } from './load-provider-definitions.js';
import { tempDir } from '../../../../test/support/temp-dirs.js';

// A registered provider without versions or keys, with one required option.
const plain = defineProvider<{ root: string }>({
  apiVersion: 1,
  name: 'plain',
  optionsSchema: z.object({ root: z.string() }).strict(),
  capabilities: {},
  async create() {
    throw new Error('never created here');
  },
});

async function problems(yaml: string): Promise<unknown> {
  const dir = await tempDir('bs-defs-');
  const loaded = parseConfig(yaml, { env: {}, baseDir: dir });
  return loadProviderDefinitions(loaded.config, { baseDir: dir, registered: new Map([['plain', plain]]) }).then(() => undefined, (e: unknown) => e);
}

describe('loading every provider of a config', () => {
  it('reports every problem at once: several plugin-load failures, bad options and capability checks', async () => {
    const error = await problems(`version: 1
providers:
  a: { use: valut }
  b: { use: buildsecrets-provider-missing }
  c: { use: plain }
secrets:
  one: { from: a, ref: x }
  two: { from: b, ref: y }
  three: { from: c, ref: z, version: "3", key: k }
`);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    expect(issues).toEqual([
      expect.stringMatching(/^providers\.a\.use: unknown provider "valut"; did you mean the built-in "vault"\?/),
      expect.stringMatching(/^providers\.b\.use: plugin package buildsecrets-provider-missing is not installed.*npm install --save-dev buildsecrets-provider-missing/),
      expect.stringMatching(/^providers\.c\.options\.root: /),
      expect.stringMatching(/^secrets\.three\.version: provider "c" \(plain\) does not support version pins/),
      expect.stringMatching(/^secrets\.three\.key: provider "c" \(plain\) does not support picking a key/),
    ]);
  });

  it('rethrows a single plugin failure as it is, with its own hint', async () => {
    const error = await problems('version: 1\nproviders:\n  a: { use: valut }\nsecrets:\n  one: { from: a, ref: x }\n');
    expect(error).toBeInstanceOf(PluginLoadError);
    expect((error as PluginLoadError).hint).toBe('use: vault');
  });

  it('returns definitions and parsed options when all is well', async () => {
    const dir = await tempDir('bs-defs-');
    const loaded = parseConfig('version: 1\nproviders:\n  c: { use: plain, options: { root: /x } }\nsecrets:\n  one: { from: c, ref: z }\n', { env: {}, baseDir: dir });
    const result = await loadProviderDefinitions(loaded.config, { baseDir: dir, registered: new Map([['plain', plain]]) });
    expect(result.definitions.get('c')?.name).toBe('plain');
    expect(result.options.get('c')).toEqual({ root: '/x' });
  });
});
