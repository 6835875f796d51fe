import type { BuildSecretsConfig } from '../config/schema.js';
import type { SensitiveValue } from '../config/interpolate.js';
import { scrubIssues } from '../config/scrub-issues.js';
import { validateProviderOptions } from '../config/validate-provider-options.js';
import { ConfigError, PluginLoadError, type ConfigIssue } from '../errors/index.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { loadProviderDefinition } from './load-provider-definition.js';
import { loadZodModule } from '../provider/zod-module.js';

/** Whether the definition's own fast check accepts these options (so its schema is not needed). */
function settledWithoutSchema(definition: AnyProviderDefinition, options: Readonly<Record<string, unknown>>): boolean {
  try {
    return definition.parseOptionsFast?.(options) !== undefined;
  } catch {
    return false;
  }
}

/** What {@link loadProviderDefinitions} returns: each instance's definition and parsed options. */
export interface LoadedProviderDefinitions {
  /** Definition by provider instance name. */
  readonly definitions: Map<string, AnyProviderDefinition>;
  /** Options parsed by each provider's own schema, by instance name. */
  readonly options: Map<string, unknown>;
}

/**
 * Load the definition of every provider in the config — all of them, even after one fails — then
 * check each one's options and the secrets' `version`/`key` against its capabilities, so every
 * problem is reported at once. One plugin failure on its own is rethrown as it is (its hint says
 * what to install or fix); several, or a plugin failure next to other problems, become one
 * {@link ConfigError} with an issue per problem at `providers.<name>.use`.
 */
export async function loadProviderDefinitions(
  config: BuildSecretsConfig,
  context: {
    readonly baseDir: string;
    readonly registered: ReadonlyMap<string, AnyProviderDefinition>;
    readonly file?: string | undefined;
    readonly sensitive?: readonly SensitiveValue[];
  },
): Promise<LoadedProviderDefinitions> {
  const names = Object.keys(config.providers);
  const settled = await Promise.allSettled(names.map((name) => loadProviderDefinition(config.providers[name]!.use, { baseDir: context.baseDir, registered: context.registered, instanceName: name })));
  const definitions = new Map<string, AnyProviderDefinition>();
  const failures: { name: string; error: unknown }[] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') definitions.set(names[i]!, result.value);
    else failures.push({ name: names[i]!, error: result.reason });
  });
  // A provider whose options its hand-written check does not settle builds its zod schema: load
  // zod first (in the CLI bundle a chunk of its own, which the usual `plan` never reads).
  if ([...definitions].some(([name, definition]) => !settledWithoutSchema(definition, config.providers[name]?.options ?? {}))) await loadZodModule();
  let optionIssues: readonly ConfigIssue[] = [];
  let options = new Map<string, unknown>();
  try {
    options = validateProviderOptions(config, definitions, { file: context.file, sensitive: context.sensitive ?? [] });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (failures.length === 0) throw error;
    optionIssues = error.issues;
  }
  if (failures.length === 0) return { definitions, options };
  if (failures.length === 1 && optionIssues.length === 0) throw failures[0]!.error;
  const pluginIssues = failures.map(({ name, error }): ConfigIssue => {
    const message = error instanceof PluginLoadError ? error.message.split('\n')[0]!.replace(/^\[buildsecrets[^\]]*\]\s*/, '') : 'the provider could not be loaded';
    const hint = error instanceof PluginLoadError && error.hint ? `; ${error.hint}` : '';
    return { path: `providers.${name}.use`, message: `${message}${hint}` };
  });
  throw new ConfigError(scrubIssues([...pluginIssues, ...optionIssues], context.sensitive ?? []), { file: context.file });
}
