import type { BuildSecretsConfig } from '../config/schema.js';
import type { ConfigIssue } from '../errors/index.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { cachedSecrets } from './cache-mode.js';

/**
 * `cache: version` needs a provider that returns version ids (`capabilities.versionIds`). Checked
 * with the definitions, before anything is resolved, so a plugin that never sets the id is a config
 * error naming the provider, not a failed build. Instances without a definition are skipped.
 */
export function cacheCapabilityIssues(config: BuildSecretsConfig, definitionsByInstance: ReadonlyMap<string, AnyProviderDefinition>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { id, config: secret, mode } of cachedSecrets(config.secrets, config.build)) {
    // A rendered secret (template) has no provider; its parts carry their own cache setting.
    if (secret.from === undefined) continue;
    const definition = definitionsByInstance.get(secret.from);
    if (mode !== 'version' || !definition || definition.capabilities.versionIds) continue;
    const inherited = secret.cache === undefined;
    issues.push({
      path: inherited ? 'build.cache' : `secrets.${id}.cache`,
      message: `secret "${id}" uses cache: version${inherited ? ' (from build.cache)' : ''}, but provider "${secret.from}" (${definition.name}) returns no version ids; use cache: keyed (with build.cacheKeyFrom) or cache: off for it`,
    });
  }
  return issues;
}
