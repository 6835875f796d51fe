import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { defineProvider } from '../provider/define-provider.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { validateConfig, validateProviderOptions } from './validate.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('validate');

function rejection(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain(CANARY);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const base = {
  version: 1,
  providers: { 'ci-vault': { use: 'vault', options: { token: CANARY } }, local: { use: 'env' } },
  secrets: { npm_token: { from: 'ci-vault', ref: 'secret/ci/npm', key: 'token' } },
};

describe('validateConfig', () => {
  it('returns the config with defaults applied', () => {
    const config = validateConfig(base);
    expect(config.secrets['npm_token']!.inject).toBe('secret-mount');
  });

  it('accepts empty providers and secrets (an init skeleton)', () => {
    expect(validateConfig({ version: 1, providers: {}, secrets: {} }).secrets).toEqual({});
  });

  it('names an undefined provider with the defined ones and a suggestion', () => {
    const error = rejection(() => validateConfig({ ...base, secrets: { npm_token: { from: 'ci-vualt', ref: 'x' } } }));
    expect(error.issues).toEqual([{ path: 'secrets.npm_token.from', message: 'provider "ci-vualt" is not defined; defined: ci-vault, local; did you mean "ci-vault"?' }]);
  });

  it('does not quote a reference that came from an environment variable', () => {
    const error = rejection(() =>
      validateConfig({ ...base, secrets: { s: { from: CANARY, ref: 'x' } } }, { interpolatedPaths: new Set(['secrets.s.from']) }),
    );
    expect(error.issues[0]!.message).toBe('the provider named by an environment variable is not defined; defined: ci-vault, local');
  });

  it('lists the allowed options of an enum without quoting the input', () => {
    const error = rejection(() => validateConfig({ ...base, secrets: { s: { from: 'local', ref: 'x', inject: CANARY } } }));
    expect(error.issues).toEqual([{ path: 'secrets.s.inject', message: 'must be one of: "secret-mount", "ssh-agent", "served-file", "build-arg", "none"' }]);
  });

  it('describes wrong types without quoting values', () => {
    const error = rejection(() => validateConfig({ ...base, resolve: { retries: CANARY }, build: { audit: CANARY, docker: 3 } }));
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'resolve.retries', message: 'expected a number, got a string' },
        { path: 'build.audit', message: 'must be "fail", "warn", "off", a boolean or a mapping' },
        { path: 'build.docker', message: 'expected a string, got an integer' },
      ]),
    );
  });

  it('reports strategy-specific fields on the wrong strategy and unique build-arg names', () => {
    const error = rejection(() =>
      validateConfig({
        ...base,
        secrets: {
          a: { from: 'local', ref: 'A', allowInsecure: true },
          b: { from: 'local', ref: 'B', inject: 'ssh-agent', source: 'env' },
          c: { from: 'local', ref: 'C', inject: 'build-arg' },
          d: { from: 'local', ref: 'D', inject: 'build-arg', buildArg: 'c' },
          e: { from: 'local', ref: 'E', inject: 'served-file', passphraseFrom: 'a' },
        },
      }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['secrets.a.allowInsecure', 'secrets.b.source', 'secrets.d.buildArg', 'secrets.e.passphraseFrom']);
  });

  it('accepts a passphrase helper secret with inject: none', () => {
    const config = validateConfig({
      ...base,
      secrets: { key: { from: 'local', ref: 'K', inject: 'ssh-agent', passphraseFrom: 'pass', sshId: 'github' }, pass: { from: 'local', ref: 'P', inject: 'none' } },
    });
    expect(config.secrets['key']!.passphraseFrom).toBe('pass');
  });

  it('reports a missing file body and a non-mapping root', () => {
    expect(rejection(() => validateConfig(null)).issues[0]!.message).toContain('the config is empty');
    expect(rejection(() => validateConfig([CANARY])).issues).toEqual([{ path: '', message: 'expected a mapping, got a list' }]);
  });

  it('drops later issues at a path an earlier phase already reported', () => {
    const error = rejection(() =>
      validateConfig({ ...base, secrets: { s: { from: '${P', ref: 'x' } } }, { priorIssues: [{ path: 'secrets.s.from', message: 'bad reference' }] }),
    );
    expect(error.issues).toEqual([{ path: 'secrets.s.from', message: 'bad reference' }]);
  });
});

const vaultLike = defineProvider({
  apiVersion: 1,
  name: 'vault-like',
  optionsSchema: z
    .object({
      address: z.string().url().optional(),
      mode: z.enum(['kv1', 'kv2']).default('kv2'),
      auth: z.object({ method: z.literal('approle'), roleId: z.string().min(1) }).strict(),
      namespace: z.string().refine((s) => s.startsWith('ns/'), { message: 'must start with ns/' }).optional(),
    })
    .strict(),
  capabilities: { keys: true },
  create: () => ({ resolve: () => Promise.resolve([]), dispose: () => undefined }),
}) as AnyProviderDefinition;

const envLike = defineProvider({
  apiVersion: 1,
  name: 'env-like',
  optionsSchema: z.object({}).strict(),
  capabilities: { versions: true },
  create: () => ({ resolve: () => Promise.resolve([]), dispose: () => undefined }),
}) as AnyProviderDefinition;

describe('validateProviderOptions', () => {
  const definitions = new Map([['ci-vault', vaultLike], ['local', envLike]]);

  it('returns parsed options by instance, treating missing options as {}', () => {
    const config = validateConfig({ ...base, providers: { 'ci-vault': { use: 'vault', options: { auth: { method: 'approle', roleId: CANARY } } }, local: { use: 'env' } } });
    const parsed = validateProviderOptions(config, definitions);
    expect(parsed.get('ci-vault')).toEqual({ mode: 'kv2', auth: { method: 'approle', roleId: CANARY } });
    expect(parsed.get('local')).toEqual({});
  });

  it('reports every option issue at providers.<name>.options.<path>, scrubbed, with did-you-mean', () => {
    const config = validateConfig({
      ...base,
      providers: {
        'ci-vault': { use: 'vault', options: { address: CANARY, mode: CANARY, auth: { method: 'token', roleid: CANARY }, namespace: CANARY } },
        local: { use: 'env', options: { prefix: CANARY } },
      },
    });
    const error = rejection(() => validateProviderOptions(config, definitions, { file: '/x/buildsecrets.yaml' }));
    expect(error.issues).toEqual([
      { path: 'providers.ci-vault.options.address', message: 'must be a valid url' },
      { path: 'providers.ci-vault.options.mode', message: 'must be one of: "kv1", "kv2"' },
      { path: 'providers.ci-vault.options.auth.method', message: 'must be "approle"' },
      { path: 'providers.ci-vault.options.auth.roleId', message: 'is required (a string)' },
      { path: 'providers.ci-vault.options.auth.roleid', message: 'unknown key "roleid"; did you mean "roleId"?' },
      { path: 'providers.ci-vault.options.namespace', message: 'must start with ns/' },
      { path: 'providers.local.options.prefix', message: 'unknown key "prefix"' },
    ]);
    expect(error.file).toBe('/x/buildsecrets.yaml');
  });

  it('reports version and key on providers that lack the capability', () => {
    const config = validateConfig({
      ...base,
      providers: { 'ci-vault': { use: 'vault', options: { auth: { method: 'approle', roleId: 'r' } } }, local: { use: 'env' } },
      secrets: { a: { from: 'ci-vault', ref: 'x', version: '3' }, b: { from: 'local', ref: 'y', key: 'k' } },
    });
    expect(rejection(() => validateProviderOptions(config, definitions)).issues.map((i) => i.path)).toEqual(['secrets.a.version', 'secrets.b.key']);
  });

  it('drops an author message that quotes the offending value, and scrubs interpolated values', () => {
    const quoting = { ...envLike, optionsSchema: z.object({ p: z.string().refine(() => false, { error: (iss) => `bad ${String(iss.input)}` }) }) } as AnyProviderDefinition;
    const config = validateConfig({ ...base, providers: { 'ci-vault': { use: 'vault' }, local: { use: 'env', options: { p: CANARY } } }, secrets: {} });
    const error = rejection(() => validateProviderOptions(config, new Map([['local', quoting]]), { sensitive: [{ label: 'P', value: CANARY }] }));
    expect(error.issues).toEqual([{ path: 'providers.local.options.p', message: 'is invalid' }]);
  });
});
