import { didYouMean } from '../config/did-you-mean.js';
import { formatPath } from '../config/issue-path.js';
import { CACHE_MODES, INJECTION_KINDS, type CacheMode, type InjectionKind } from '../config/config-constants.js';
import type { ConfigIssue } from '../errors/index.js';
import { CACHEABLE_KINDS, cacheModeOf } from './cache-mode.js';
import { cacheRevArgName } from './rev-arg-name.js';

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const isKind = (v: unknown): v is InjectionKind => typeof v === 'string' && (INJECTION_KINDS as readonly string[]).includes(v);
const isMode = (v: unknown): v is CacheMode => typeof v === 'string' && (CACHE_MODES as readonly string[]).includes(v);

const WHY_NOT: Partial<Record<InjectionKind, string>> = {
  'build-arg': "a build-arg's value already keys the build cache",
  'served-file': 'served-file steps declare the one-time BUILDSECRETS_TOKEN ARG, so they re-run on every build already',
  none: 'an inject: none secret never reaches a build step',
};

/**
 * The cache settings' cross-checks, on the raw tree like the other cross-references: `cache` only
 * on mounted kinds, `cache: keyed` needs `build.cacheKeyFrom`, which must name an `inject: none`
 * secret (the key never enters the build), and no two cached ids may share a rev build-arg name.
 */
export function cacheConfigIssues(input: unknown, interpolatedPaths: ReadonlySet<string> = new Set()): ConfigIssue[] {
  const root = asRecord(input);
  const secrets = asRecord(root?.['secrets']);
  if (!root || !secrets) return [];
  const build = asRecord(root['build']);
  const buildCache = isMode(build?.['cache']) ? build['cache'] : undefined;
  const issues: ConfigIssue[] = [];
  const keyed: string[] = [];
  const revNames = new Map<string, string>();

  for (const [id, entry] of Object.entries(secrets)) {
    const secret = asRecord(entry);
    const inject = secret?.['inject'] ?? 'secret-mount';
    if (!secret || !isKind(inject)) continue;
    const own = secret['cache'];
    if (own !== undefined && !isMode(own)) continue;
    if (own !== undefined && own !== 'off' && !CACHEABLE_KINDS.includes(inject)) {
      issues.push({ path: formatPath(['secrets', id, 'cache']), message: `only applies to inject: secret-mount or ssh-agent; this secret uses ${inject} (${WHY_NOT[inject] ?? 'no step mounts it'})` });
      continue;
    }
    const mode = cacheModeOf({ inject, ...(own !== undefined ? { cache: own } : {}) }, buildCache ? { cache: buildCache } : undefined);
    if (mode === 'off') continue;
    if (mode === 'version' && (secret['template'] !== undefined || secret['templateFile'] !== undefined)) {
      // A rendered secret comes from no provider, so there is no version id to key on.
      issues.push({ path: formatPath(['secrets', id, own !== undefined ? 'cache' : 'inject']), message: `is rendered from a template and has no provider version id; use cache: keyed (with build.cacheKeyFrom) or cache: off for it${own === undefined ? ' (build.cache: version applies to it)' : ''}` });
      continue;
    }
    if (mode === 'keyed') keyed.push(id);
    const name = cacheRevArgName(id);
    const other = revNames.get(name);
    if (other !== undefined) issues.push({ path: formatPath(['secrets', id]), message: `its cache rev build-arg ${name} is also the one of secret "${other}"; rename one of the two ids` });
    else revNames.set(name, id);
  }

  const keyFrom = build?.['cacheKeyFrom'];
  const keyPath = formatPath(['build', 'cacheKeyFrom']);
  if (typeof keyFrom !== 'string') {
    if (keyed.length > 0) issues.push({ path: keyPath, message: `cache: keyed (secrets ${keyed.join(', ')}) needs build.cacheKeyFrom: the id of an inject: none secret holding a random key (openssl rand -hex 32)` });
    return issues;
  }
  const shown = interpolatedPaths.has(keyPath) ? 'the secret named by an environment variable' : `secret "${keyFrom}"`;
  const keySecret = asRecord(secrets[keyFrom]);
  if (!keySecret) {
    const hint = interpolatedPaths.has(keyPath) ? '' : didYouMean(keyFrom, Object.keys(secrets));
    issues.push({ path: keyPath, message: `${shown} is not defined under \`secrets\`${hint}` });
  } else if ((keySecret['inject'] ?? 'secret-mount') !== 'none') {
    issues.push({ path: keyPath, message: `${shown} must have inject: none: the cache key must never enter the build` });
  }
  return issues;
}
