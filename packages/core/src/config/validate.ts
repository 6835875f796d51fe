import { ConfigError, type ConfigIssue } from '../errors/index.js';
import { crossReferenceIssues } from './cross-references.js';
import { configSchema, type BuildSecretsConfig } from './schema.js';
import { safeParseCoercing } from './coerce-scalars.js';
import { convertZodIssues } from './zod-issues.js';

export { validateProviderOptions } from './validate-provider-options.js';

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
