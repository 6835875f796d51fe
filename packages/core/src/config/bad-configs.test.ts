import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { BAD_CONFIG_CANARY, BAD_CONFIGS, type BadConfig } from './__fixtures__/bad-configs.js';
import { loadConfig } from './load-config.js';
import { parseConfig } from './parse-config.js';

const dir = mkdtempSync(join(tmpdir(), 'bs-bad-configs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


async function failure(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the config to be rejected');
}

function expectClean(error: ConfigError): void {
  const everything = [error.message, error.stack ?? '', JSON.stringify(error.toJSON()), ...error.issues.map((i) => i.message)].join('\n');
  expect(everything).not.toContain(BAD_CONFIG_CANARY);
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) expect(String(cause)).not.toContain(BAD_CONFIG_CANARY);
}

describe('the bad-config table', () => {
  it('has at least 30 rows, each planting the canary', () => {
    expect(BAD_CONFIGS.length).toBeGreaterThanOrEqual(30);
    for (const row of BAD_CONFIGS) {
      const text = typeof row.text === 'string' ? row.text : Buffer.from(row.text).toString('latin1');
      expect(text.includes(BAD_CONFIG_CANARY) || Object.values(row.env ?? {}).includes(BAD_CONFIG_CANARY), row.name).toBe(true);
    }
  });

  it.each(BAD_CONFIGS.map((row, index) => [row.name, row, index] as const))('rejects a config file with %s', async (_name, row, index) => {
    const folder = mkdtempSync(join(dir, `row${index}-`));
    const file = join(folder, row.format === 'json' ? 'buildsecrets.json' : 'buildsecrets.yaml');
    writeFileSync(file, row.text);
    const error = await failure(loadConfig({ cwd: folder, env: row.env ?? {} }));
    expect(error.issues.map((i) => i.path)).toContain(row.expectPath);
    expect(error.file).toBe(file);
    expectClean(error);
  });

  it.each(BAD_CONFIGS.filter((row) => typeof row.text === 'string').map((row) => [row.name, row] as const))(
    'rejects the same text given to parseConfig: %s',
    async (_name, row) => {
      const file = row.format === 'json' ? 'buildsecrets.json' : 'buildsecrets.yaml';
      const error = await failure(Promise.resolve().then(() => parseConfig(row.text as string, { file: join(dir, file), env: row.env ?? {} })));
      expect(error.issues.map((i) => i.path)).toContain(row.expectPath);
      expectClean(error);
    },
  );
});

describe('a config with many problems', () => {
  it('reports every issue at once, from interpolation, the schema and cross-references', async () => {
    const text = [
      'version: 2',
      'providers:',
      `  local: { use: env, options: { prefix: "${BAD_CONFIG_CANARY}" }, opts: 1 }`,
      'secrets:',
      `  a: { from: vault2, ref: "${BAD_CONFIG_CANARY}", inejct: build-arg }`,
      '  b: { from: local, ref: "${UNSET_VAR}" }',
      `  c: { from: local, ref: C, inject: "${BAD_CONFIG_CANARY}" }`,
      '  d: { from: local, ref: D, buildArg: D }',
      'build: { audit: maybe }',
    ].join('\n');
    const error = await failure(Promise.resolve().then(() => parseConfig(text, { env: {} })));
    expect(error.issues.map((i) => i.path).sort()).toEqual(
      ['build.audit', 'providers.local.opts', 'secrets.a.from', 'secrets.a.inejct', 'secrets.b.ref', 'secrets.c.inject', 'secrets.d.buildArg', 'version'].sort(),
    );
    expect(error.message).toContain('(8 problems)');
    expectClean(error);
  });
});
