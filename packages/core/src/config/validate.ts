import { ConfigError, type ConfigIssue } from '../errors/index.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { cacheCapabilityIssues } from '../cache/cache-capability-issues.js';
import { crossReferenceIssues } from './cross-references.js';
import type { SensitiveValue } from './interpolate.js';
import { configSchema, type BuildSecretsConfig } from './schema.js';
import { safeParseCoercing } from './coerce-scalars.js';
import { scrubIssues } from './scrub-issues.js';
import { convertZodIssues } from './zod-issues.js';

/** Options for {@link validateConfig}. */
export interface ValidateConfigOptions {
  /** The file the config came from, named in the error. */
  readonly file?: string | undefined;
  /** Paths whose strings came from environment variables; their values are never quoted. */
  readonly interpolatedPaths?: ReadonlySet<string>;
  /** Issues found earlier (interpolation); reported first, and later issues at the same path are dropped. */
  readonly priorIssues?: readonly ConfigIssue[];
}

/** Concatenate issue lists, dropping an issue whose path an earlier list already reported. */
export function mergeIssues(...lists: readonly (readonly ConfigIssue[])[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const seenPaths = new Set<string>();
  for (const list of lists) {
    const fresh = list.filter((issue) => !seenPaths.has(issue.path) || issue.path === '');
    for (const issue of fresh) out.push(issue);
    for (const issue of fresh) seenPaths.add(issue.path);
  }
  return out;
}

/**
 * Validate a parsed (and interpolated) config: the zod schema plus cross-reference checks, all
 * reported together in one {@link ConfigError}. Messages never quote a value from the config.
 * Empty `providers` and `secrets` maps are valid (a fresh `buildsecrets init` skeleton).
 *
 * @returns the config with defaults applied.
 * @throws ConfigError listing every issue.
 */
export function validateConfig(raw: unknown, options: ValidateConfigOptions = {}): BuildSecretsConfig {
  const prior = options.priorIssues ?? [];
  if (raw === null || raw === undefined) {
    const empty = { path: '', message: 'the config is empty; it needs `version: 1`, `providers:` and `secrets:` (run `buildsecrets init` for a starting point)' };
    throw new ConfigError([...prior, empty], { file: options.file });
  }
  const result = safeParseCoercing(configSchema, raw);
  const schemaIssues = result.success ? [] : convertZodIssues(result.error.issues, { input: raw, schema: configSchema, prefix: [] });
  const issues = mergeIssues(prior, schemaIssues, crossReferenceIssues(raw, options.interpolatedPaths));
  if (issues.length > 0 || !result.success) throw new ConfigError(issues, { file: options.file });
  return result.data;
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
      const result = safeParseCoercing(definition.optionsSchema, input);
      if (result.success) parsed.set(name, result.data);
      else issues.push(...convertZodIssues(result.error.issues, { input, schema: definition.optionsSchema, prefix }));
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
