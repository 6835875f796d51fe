import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type BuildSecretsConfigInput } from '../config/schema.js';
import { ConfigError } from '../errors/index.js';
import { loadTemplates } from './load-templates.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bs-templates-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const config = (secrets: BuildSecretsConfigInput['secrets']) => configSchema.parse({ version: 1, providers: { p: { use: 'env' } }, secrets });
const issues = async (secrets: BuildSecretsConfigInput['secrets']): Promise<string[]> => {
  const err = await loadTemplates(config(secrets), dir).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
};

describe('loadTemplates: checked when the config is loaded (exit 2), before anything is fetched', () => {
  it('reads templateFile relative to the config directory and lists references', async () => {
    await writeFile(join(dir, 'npmrc.tmpl'), '//registry.npmjs.org/:_authToken={{ secret "npm_token" }}\n');
    const t = await loadTemplates(config({ npmrc: { templateFile: 'npmrc.tmpl' }, npm_token: { from: 'p', ref: 'N', inject: 'none' } }), dir);
    expect(t.get('npmrc')?.references).toEqual(['npm_token']);
  });

  it('names an unknown secret with its template line and a did-you-mean', async () => {
    expect(await issues({ npmrc: { template: 'x\n{{ secret "npm_tokn" }}' }, npm_token: { from: 'p', ref: 'N' } })).toEqual([
      expect.stringMatching(/^secrets\.npmrc\.template: line 2: secret "npm_tokn" is not defined under `secrets`.*npm_token/),
    ]);
  });

  it('refuses a template that embeds itself, and cycles through other templates', async () => {
    expect((await issues({ a: { template: '{{ secret "a" }}' } }))[0]).toMatch(/line 1: the template embeds its own secret "a"/);
    const cycle = await issues({ a: { template: '{{ secret "b" }}' }, b: { template: 'x\n{{ secret "a" }}' } });
    expect(cycle).toEqual([expect.stringMatching(/^secrets\.a\.template: line 1: templates form a cycle: a → b → a/)]);
  });

  it('reports a missing template file and metadata placeholders', async () => {
    expect((await issues({ a: { templateFile: 'missing.tmpl' } }))[0]).toMatch(/^secrets\.a\.templateFile: the template file cannot be read/);
    expect((await issues({ a: { template: '{{ .Provider.options.token }}' } }))[0]).toMatch(/line 1: .*provider metadata/);
  });

  it('the schema keeps fetched and rendered apart', () => {
    expect(configSchema.safeParse({ version: 1, providers: {}, secrets: { a: { template: 'x', from: 'p', ref: 'r' } } }).success).toBe(false);
    expect(configSchema.safeParse({ version: 1, providers: {}, secrets: { a: { template: 'x', templateFile: 'y' } } }).success).toBe(false);
    const missing = configSchema.safeParse({ version: 1, providers: {}, secrets: { a: { inject: 'none' } } });
    expect(missing.success ? [] : missing.error.issues.map((i) => i.path.join('.'))).toEqual(['secrets.a.from', 'secrets.a.ref']);
  });
});
