import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../config/parse-config.js';
import { validateProviderOptions } from '../config/validate.js';
import { ConfigError } from '../errors/index.js';
import type { AnyProviderDefinition, ProviderCapabilities } from '../provider/types.js';
import { cacheConfigIssues } from './cache-config-issues.js';
import { cacheModeOf, cachedSecrets } from './cache-mode.js';

const base = { version: 1, providers: { vault: { use: 'vault' }, local: { use: 'env' } } };
const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
};
const parse = (config: object, env: Record<string, string> = {}) => parseConfig(config, { env, baseDir: '/tmp' }).config;
const definition = (name: string, capabilities: ProviderCapabilities): AnyProviderDefinition => ({ apiVersion: 1, name, optionsSchema: z.object({}).passthrough(), capabilities, create: () => ({ resolve: async () => [], dispose() {} }) });
const definitions = new Map([['vault', definition('vault', { versionIds: true })], ['local', definition('env', {})]]);

describe('cache config', () => {
  it('defaults to off everywhere: today’s behaviour', () => {
    const config = parse({ ...base, secrets: { npm: { from: 'vault', ref: 'secret/npm' } } });
    expect(cachedSecrets(config.secrets, config.build)).toEqual([]);
  });

  it('takes a per-secret mode, else build.cache for secret-mount and ssh-agent secrets only', () => {
    const config = parse({
      ...base,
      build: { cache: 'version' },
      secrets: {
        npm: { from: 'vault', ref: 'secret/npm' },
        key: { from: 'vault', ref: 'secret/key', inject: 'ssh-agent' },
        off: { from: 'vault', ref: 'secret/off', cache: 'off' },
        proxy: { from: 'local', ref: 'P', inject: 'build-arg', allowInsecure: true },
        helper: { from: 'local', ref: 'H', inject: 'none' },
      },
    });
    expect(cachedSecrets(config.secrets, config.build).map((c) => `${c.id}:${c.mode}`)).toEqual(['npm:version', 'key:version']);
    expect(cacheModeOf({ inject: 'secret-mount', cache: 'keyed' }, { cache: 'version' })).toBe('keyed');
  });

  it('rejects an unknown mode with the allowed ones', () => {
    expect(issuesOf(() => parse({ ...base, secrets: { npm: { from: 'vault', ref: 'x', cache: 'always' } } })).join('\n')).toMatch(/secrets\.npm\.cache: .*off.*version.*keyed/);
  });

  it('rejects cache on kinds no RUN mounts, saying why', () => {
    const issues = issuesOf(() =>
      parse({ ...base, secrets: { p: { from: 'local', ref: 'P', inject: 'build-arg', allowInsecure: true, cache: 'keyed' }, s: { from: 'local', ref: 'S', inject: 'served-file', cache: 'version' }, n: { from: 'local', ref: 'N', inject: 'none', cache: 'keyed' } } }),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^secrets\.p\.cache: only applies to inject: secret-mount or ssh-agent.*already keys the build cache/),
      expect.stringMatching(/^secrets\.s\.cache: .*BUILDSECRETS_TOKEN/),
      expect.stringMatching(/^secrets\.n\.cache: .*never reaches a build step/),
    ]);
  });

  it('needs build.cacheKeyFrom for keyed, naming an existing inject: none secret', () => {
    expect(issuesOf(() => parse({ ...base, secrets: { npm: { from: 'vault', ref: 'x', cache: 'keyed' } } }))).toEqual([expect.stringMatching(/^build\.cacheKeyFrom: cache: keyed \(secrets npm\) needs build\.cacheKeyFrom/)]);
    expect(issuesOf(() => parse({ ...base, build: { cache: 'keyed', cacheKeyFrom: 'cachekye' }, secrets: { npm: { from: 'vault', ref: 'x' }, cachekey: { from: 'local', ref: 'K', inject: 'none' } } }))).toEqual([
      expect.stringMatching(/^build\.cacheKeyFrom: secret "cachekye" is not defined under `secrets`.*cachekey/),
    ]);
    expect(issuesOf(() => parse({ ...base, build: { cache: 'keyed', cacheKeyFrom: 'cachekey' }, secrets: { npm: { from: 'vault', ref: 'x' }, cachekey: { from: 'local', ref: 'K' } } }))).toEqual([
      expect.stringMatching(/^build\.cacheKeyFrom: secret "cachekey" must have inject: none: the cache key must never enter the build/),
    ]);
    expect(issuesOf(() => parse({ ...base, build: { cache: 'keyed', cacheKeyFrom: 'cachekey' }, secrets: { npm: { from: 'vault', ref: 'x' }, cachekey: { from: 'local', ref: 'K', inject: 'none' } } }))).toEqual([]);
  });

  it('does not quote a cacheKeyFrom that came from an environment variable', () => {
    const issues = issuesOf(() => parse({ ...base, build: { cacheKeyFrom: '${KEY_ID}' }, secrets: {} }, { KEY_ID: 'hidden-name-canary' }));
    expect(issues.join('\n')).toContain('the secret named by an environment variable');
    expect(issues.join('\n')).not.toContain('hidden-name-canary');
  });

  it('refuses two cached ids that share a rev build-arg name', () => {
    expect(issuesOf(() => parse({ ...base, secrets: { 'a.b': { from: 'vault', ref: 'x', cache: 'version' }, a_b: { from: 'vault', ref: 'y', cache: 'version' } } }))).toEqual([
      expect.stringMatching(/^secrets\.a_b: its cache rev build-arg BUILDSECRETS_REV_A_B is also the one of secret "a\.b"/),
    ]);
  });

  it('makes cache: version on a provider without version ids a config error naming the provider', () => {
    const config = parse({ ...base, secrets: { npm: { from: 'vault', ref: 'x', cache: 'version' }, home: { from: 'local', ref: 'HOME', cache: 'version' } } });
    expect(issuesOf(() => validateProviderOptions(config, definitions))).toEqual([expect.stringMatching(/^secrets\.home\.cache: secret "home" uses cache: version, but provider "local" \(env\) returns no version ids/)]);
    const inherited = parse({ ...base, build: { cache: 'version' }, secrets: { home: { from: 'local', ref: 'HOME' } } });
    expect(issuesOf(() => validateProviderOptions(inherited, definitions))).toEqual([expect.stringMatching(/^build\.cache: secret "home" uses cache: version \(from build\.cache\)/)]);
  });
});

describe('cache on rendered secrets', () => {
  it('refuses cache: version on a template secret (no provider version id), and accepts keyed', () => {
    const base = { npm: { from: 'p', ref: 'NPM', inject: 'none' }, key: { from: 'p', ref: 'KEY', inject: 'none' } };
    const version = cacheConfigIssues({ secrets: { ...base, npmrc: { template: '{{ secret "npm" }}', cache: 'version' } } });
    expect(version.map((i) => i.path)).toEqual(['secrets.npmrc.cache']);
    expect(version[0]!.message).toContain('cache: keyed');
    const keyed = cacheConfigIssues({ build: { cacheKeyFrom: 'key' }, secrets: { ...base, npmrc: { template: '{{ secret "npm" }}', cache: 'keyed' } } });
    expect(keyed).toEqual([]);
  });
});
