import type { BuildSecretsConfig } from '../config/schema.js';
import type { Redactor } from '../redaction/types.js';
import type { SecretValue } from '../secret-value.js';
import type { PreparedInjection } from '../strategies/types.js';
import { cachedSecrets } from './cache-mode.js';
import { prepareCacheRevs } from './cache-revs.js';
import { cacheRevArgName } from './rev-arg-name.js';

/** The build's cache revs, or `undefined` when no secret has `cache` set (today's behaviour, nothing added). */
export function cacheRevInjection(
  config: BuildSecretsConfig,
  values: ReadonlyMap<string, SecretValue>,
  versionIds: ReadonlyMap<string, string>,
  redactor: Redactor,
): PreparedInjection | undefined {
  const secrets = cachedSecrets(config.secrets, config.build);
  if (secrets.length === 0) return undefined;
  return prepareCacheRevs({ secrets, values, versionIds, cacheKeyFrom: config.build?.cacheKeyFrom, redactor });
}

/** What `--dry-run` shows for the cache revs: the build-arg names (revs need resolved values). */
export function cacheRevPlaceholderArgs(config: BuildSecretsConfig): string[] {
  return cachedSecrets(config.secrets, config.build).flatMap(({ id }) => ['--build-arg', cacheRevArgName(id)]);
}
