import { loadConfig, parseConfigLazily, type LoadedConfig } from '../config/load-config.js';
import { loadProviderDefinitions } from '../plugins/load-provider-definitions.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { createRedactor } from '../redaction/redactor.js';
import type { RedactionStyle, Redactor } from '../redaction/types.js';
import type { BuildSecretsConfig } from '../config/schema.js';
import { loadTemplates, templateReferenceMap } from '../templates/load-templates.js';
import { buildPlan, type Plan, type PlanOptions } from './plan.js';
import { redactError } from './redact-error.js';

/** What {@link planConfig} needs: where the config is and which providers are registered in code. */
export interface PlanConfigOptions extends PlanOptions {
  /** The config as YAML/JSON text; otherwise `configPath`, otherwise discovery from `cwd`. */
  readonly config?: string;
  /** Path to the config file. */
  readonly configPath?: string;
  /** Where discovery starts and relative paths resolve (default `process.cwd()`). */
  readonly cwd?: string;
  /** The environment for interpolation (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Provider definitions registered in code, by `use:` name. */
  readonly providers?: Readonly<Record<string, AnyProviderDefinition>>;
  /** `mask` (default) or `id`. */
  readonly redaction?: RedactionStyle;
}

/** A plan, with what it was made from. */
export interface PlannedConfig {
  /** The plan. */
  readonly plan: Plan;
  /** The validated config. */
  readonly config: BuildSecretsConfig;
  /** The config file, when loaded from one. */
  readonly configFile: string | undefined;
  /** Knows every interpolated value; pass everything printed through it. */
  readonly redactor: Redactor;
}

/**
 * The same plan as `createBuildSecrets(…).plan()` — config loaded and validated, provider
 * definitions loaded and their options checked, the Dockerfile cross-checked — without composing a
 * run: no DI container, no strategies, no engine, nothing instantiated or fetched. This is what
 * `buildsecrets plan` runs, so it starts fast.
 */
export async function planConfig(options: PlanConfigOptions = {}): Promise<PlannedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const redactor = createRedactor({ style: options.redaction ?? 'mask' });
  const loaded: LoadedConfig = options.config !== undefined
    ? await parseConfigLazily(options.config, { env, baseDir: cwd })
    : await loadConfig({ ...(options.configPath !== undefined ? { configPath: options.configPath } : {}), cwd, env });
  for (const s of loaded.sensitive) redactor.add(s.label, s.value);
  const { config, baseDir } = loaded;
  const registered = new Map(Object.entries(options.providers ?? {}));
  // A `${VAR}` interpolated into `use:` is a secret like any other: errors quoting it are redacted.
  const { definitions, options: providerOptions } = await loadProviderDefinitions(config, { baseDir, registered, file: loaded.file, sensitive: loaded.sensitive }).catch((error: unknown) => {
    throw redactError(error, redactor);
  });
  const templateReferences = templateReferenceMap(await loadTemplates(config, baseDir, loaded.file));
  const plan = await buildPlan({ config, baseDir, cwd, definitions, providerOptions, templateReferences, redact: (text) => redactor.redact(text) }, options);
  return { plan, config, configFile: loaded.file, redactor };
}
