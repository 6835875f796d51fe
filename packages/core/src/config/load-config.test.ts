import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { loadConfig } from './load-config.js';
import { parseConfig } from './parse-config.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('load-config');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bs-load-'));
  mkdirSync(join(root, '.git'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const YAML_CONFIG = [
  'version: 1',
  'providers:',
  '  ci-vault:',
  '    use: vault',
  '    options: { address: "${VAULT_ADDR:-http://127.0.0.1:8200}", auth: { method: approle, roleId: "${VAULT_ROLE_ID}" } }',
  '  local: { use: env }',
  'secrets:',
  '  npm_token: { from: ci-vault, ref: secret/ci/npm, key: token }',
  '  http_proxy: { from: local, ref: CORP_PROXY, inject: build-arg, buildArg: HTTP_PROXY }',
  '  literal: { from: local, ref: "$${NOT_A_VAR}" }',
].join('\n');

describe('loadConfig', () => {
  it('finds, parses, interpolates and validates the file, and reports the env values as sensitive', async () => {
    writeFileSync(join(root, 'buildsecrets.yaml'), YAML_CONFIG);
    mkdirSync(join(root, 'app'));
    const loaded = await loadConfig({ cwd: join(root, 'app'), env: { VAULT_ROLE_ID: CANARY } });
    expect(loaded.file).toBe(join(root, 'buildsecrets.yaml'));
    expect(loaded.baseDir).toBe(root);
    expect(loaded.sensitive).toEqual([{ label: 'VAULT_ROLE_ID', value: CANARY }]);
    expect(loaded.config.providers['ci-vault']!.options).toEqual({ address: 'http://127.0.0.1:8200', auth: { method: 'approle', roleId: CANARY } });
    expect(loaded.config.secrets['literal']!.ref).toBe('${NOT_A_VAR}');
    expect(loaded.config.secrets['http_proxy']!.inject).toBe('build-arg');
  });

  it('loads JSON through --config', async () => {
    writeFileSync(join(root, 'conf.json'), JSON.stringify({ version: 1, providers: { local: { use: 'env' } }, secrets: { a: { from: 'local', ref: 'A' } } }));
    const loaded = await loadConfig({ configPath: 'conf.json', cwd: root, env: {} });
    expect(loaded.config.secrets['a']!.from).toBe('local');
  });

  it('says where it looked and suggests buildsecrets init when there is no config', async () => {
    const error = await loadConfig({ cwd: root, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`looked for buildsecrets.yaml, buildsecrets.yml, buildsecrets.json in ${root}`);
    expect((error as Error).message).toContain('buildsecrets init');
  });

  it('never puts an interpolated value into an error, even where a reference would be quoted', async () => {
    writeFileSync(join(root, 'buildsecrets.yaml'), 'version: 1\nproviders: { local: { use: env } }\nsecrets:\n  a: { from: "${P}", ref: "${R}", inject: "${I}" }\n');
    const error = (await loadConfig({ cwd: root, env: { P: CANARY, R: CANARY, I: CANARY } }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues.map((i) => i.path)).toEqual(['secrets.a.inject', 'secrets.a.from']);
    expect(`${error.message}${error.stack ?? ''}`).not.toContain(CANARY);
  });

  it('refuses a config path that is not a regular file without reading it', async () => {
    const error = await loadConfig({ configPath: '/dev/zero', cwd: root, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
  });
});

describe('parseConfig', () => {
  it('validates and interpolates a programmatic object without modifying it', () => {
    const input = { version: 1, providers: { local: { use: 'env', options: { prefix: '${PREFIX}' } } }, secrets: {} };
    const loaded = parseConfig(input, { env: { PREFIX: 'CI_' }, baseDir: '/project' });
    expect(loaded).toEqual({
      config: { version: 1, providers: { local: { use: 'env', options: { prefix: 'CI_' } } }, secrets: {} },
      file: undefined,
      baseDir: '/project',
      sensitive: [{ label: 'PREFIX', value: 'CI_' }],
    });
    expect(input.providers.local.options.prefix).toBe('${PREFIX}');
  });

  it('rejects an invalid programmatic object with every issue', () => {
    expect(() => parseConfig({ version: 1, providers: {}, secrets: { a: { from: 'x', ref: '' } } }, { env: {} })).toThrow(
      /secrets\.a\.ref: must not be empty\n {2}- secrets\.a\.from: provider "x" is not defined; no providers are defined under `providers`/,
    );
  });

  it('parses text as YAML unless the file name ends in .json', () => {
    const text = '{"version": 1, "providers": {}, "secrets": {}}';
    expect(parseConfig(text, { env: {} }).config.version).toBe(1);
    expect(parseConfig(text, { env: {}, file: join(root, 'x.json') }).baseDir).toBe(root);
  });
});
