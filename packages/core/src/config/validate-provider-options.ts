import { ConfigError, type ConfigIssue } from '../errors/index.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { cacheCapabilityIssues } from '../cache/cache-capability-issues.js';
import type { SensitiveValue } from './interpolate.js';
import type { BuildSecretsConfig } from './schema.js';
import { safeParseCoercing } from './coerce-scalars.js';
import { scrubIssues } from './scrub-issues.js';
import { convertZodIssues } from './zod-issues.js';

/**
 * The definition's hand-written check first (`parseOptionsFast`, when it has one), so the usual
 * options never build the plugin's zod schema; anything it is not sure of goes to the schema.
 */
function parseOptions(definition: AnyProviderDefinition, input: Readonly<Record<string, unknown>>, prefix: readonly string[]): { ok: true; value: unknown } | { ok: false; issues: ConfigIssue[] } {
  try {
    const fast = definition.parseOptionsFast?.(input);
    if (fast !== undefined) return { ok: true, value: fast };
  } catch {
    // A fast check that throws is treated as "not sure": the schema decides.
  }
  const result = safeParseCoercing(definition.optionsSchema, input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: convertZodIssues(result.error.issues, { input, schema: definition.optionsSchema, prefix }) };
}

/**
 * Run each provider's own `optionsSchema` on `providers.<name>.options` (missing options are `{}`),
 * and check `version:` / `key:` on secrets against the provider's capabilities. Instances absent
 * from `definitionsByInstance` are skipped. Pass `sensitive` from {@link LoadedConfig} so a provider
 * name that came from an environment variable is never quoted.
 *
 * @returns the parsed options by instance name, ready for `definition.create`.
 * @throws ConfigError listing every issue, at paths like `providers.ci-vault.options.auth.roleId`.
 */
export function validateProviderOptions(
  config: BuildSecretsConfig,
  definitionsByInstance: ReadonlyMap<string, AnyProviderDefinition>,
  options: { readonly file?: string | undefined; readonly sensitive?: readonly SensitiveValue[] } = {},
): Map<string, unknown> {
  const issues: ConfigIssue[] = [];
  const parsed = new Map<string, unknown>();
  for (const [name, provider] of Object.entries(config.providers)) {
    const definition = definitionsByInstance.get(name);
    if (!definition) continue;
    const input = provider.options ?? {};
    const prefix = ['providers', name, 'options'];
    try {
      const result = parseOptions(definition, input, prefix);
      if (result.ok) parsed.set(name, result.value);
      else issues.push(...result.issues);
    } catch {
      issues.push({ path: prefix.join('.'), message: `the options schema of plugin "${definition.name}" threw while validating; report this to the plugin author` });
    }
  }
  for (const [id, secret] of Object.entries(config.secrets)) {
    if (secret.from === undefined) continue;
    const definition = definitionsByInstance.get(secret.from);
    if (!definition) continue;
    const label = `provider "${secret.from}" (${definition.name})`;
    if (secret.version !== undefined && !definition.capabilities.versions) {
      issues.push({ path: `secrets.${id}.version`, message: `${label} does not support version pins; remove \`version\`` });
    }
    if (secret.key !== undefined && !definition.capabilities.keys) {
      issues.push({ path: `secrets.${id}.key`, message: `${label} does not support picking a key; remove \`key\`` });
    }
  }
  issues.push(...cacheCapabilityIssues(config, definitionsByInstance));
  if (issues.length > 0) throw new ConfigError(scrubIssues(issues, options.sensitive ?? []), { file: options.file });
  return parsed;
}
