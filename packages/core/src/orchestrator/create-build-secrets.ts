import type { DependencyContainer } from 'tsyringe';
import { composeRun, disposeRun } from '../container/compose.js';
import { TOKENS } from '../container/tokens.js';
import { isFetchedSecret } from '../config/config-constants.js';
import type { BuildSecretsConfig, BuildSecretsConfigInput, InjectionKind } from '../config/schema.js';
import { withDependencies } from '../config/secret-dependencies.js';
import { loadTemplates, templateReferenceMap } from '../templates/load-templates.js';
import { renderSecrets } from '../templates/render-secrets.js';
import { loadConfig, parseConfigLazily, type LoadedConfig } from '../config/load-config.js';
import { BuildSecretsError, SecretsUnresolvedError } from '../errors/index.js';
import { createLogger, type Logger, type LogLevel } from '../logging/logger.js';
import { loadProviderDefinitions } from '../plugins/load-provider-definitions.js';
import { redactError } from './redact-error.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { createRedactor } from '../redaction/redactor.js';
import type { RedactionStyle, Redactor } from '../redaction/types.js';
import { resolveSecrets } from '../resolver/resolve-secrets.js';
import type { SecretValue } from '../secret-value.js';
import { defaultStrategies } from '../strategies/default-strategies.js';
import type { InjectionStrategy } from '../strategies/types.js';
import { makeTempDir } from '../util/temp-dir.js';
import type { BuildOptions, BuildResult, BuildSession, ResolveAllOptions } from './build-types.js';
import { buildPlan, type Plan, type PlanOptions } from './plan.js';
import { AUDIT_MIN_VALUE_LENGTH } from '@buildsecrets/audit';
import { runBuild } from './run-build.js';
import { profileMark } from '../util/profile.js';

/** How to make a {@link BuildSecrets} instance. Give `config` or `configPath`, or neither to discover `buildsecrets.yaml`. */
export interface CreateBuildSecretsOptions {
  /** The config as an object, or as YAML/JSON text. Interpolated and validated like a file. */
  readonly config?: BuildSecretsConfigInput | string;
  /** Path to the config file. */
  readonly configPath?: string;
  /** Where discovery starts and relative paths resolve (default `process.cwd()`). */
  readonly cwd?: string;
  /** The environment for interpolation and providers (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Provider definitions registered programmatically, by the name used in `use:`. They win over packages. */
  readonly providers?: Readonly<Record<string, AnyProviderDefinition>>;
  /** Replace injection strategies (for tests or custom engines). */
  readonly strategies?: Partial<Record<Exclude<InjectionKind, 'none'>, InjectionStrategy>>;
  /** Where log lines go (already redacted). Default: stderr. */
  readonly log?: (line: string, level: LogLevel) => void;
  /** Lowest level logged (default `info`). */
  readonly logLevel?: LogLevel;
  /** `mask` (`***`, default) or `id` (`[secret:<id>]`). */
  readonly redaction?: RedactionStyle;
  /** Cancels every operation of this instance. */
  readonly signal?: AbortSignal;
  /**
   * Called with every value the instance registers with its redactor (interpolated config values at
   * creation, each secret the moment it is resolved), before the value can be used. The GitHub Action
   * registers runner masks here. Must not print or keep the value.
   */
  readonly onSecret?: (label: string, value: SecretValue | string | Uint8Array) => void;
}

/** Status of one secret in a {@link CheckReport}. */
export interface CheckEntry {
  /** The secret id. */
  readonly id: string;
  /** The provider instance. */
  readonly provider: string;
  /** Whether it resolved. */
  readonly ok: boolean;
  /** The typed error when it did not (message and code; never a value). */
  readonly error?: BuildSecretsError;
  /** Set when the value is shorter than 8 bytes (or `build.minSecretLength`): it cannot be audited or masked without noise. */
  readonly short?: { readonly length: number; readonly minimum: number };
}

/** What `check` found. */
export interface CheckReport {
  /** True when every secret resolved. */
  readonly ok: boolean;
  /** One entry per configured secret, in config order. */
  readonly entries: readonly CheckEntry[];
}

/** The library entry point: one configured instance. Call {@link BuildSecrets.dispose} when done. */
export interface BuildSecrets {
  /** The validated config. */
  readonly config: BuildSecretsConfig;
  /** The config file, when loaded from one. */
  readonly configFile: string | undefined;
  /** Directory relative paths resolve against. */
  readonly baseDir: string;
  /** The instance's redactor (every resolved and interpolated value is registered). */
  readonly redactor: Redactor;
  /** The instance's redacting logger. */
  readonly logger: Logger;
  /** What would happen, without fetching anything. */
  plan(options?: PlanOptions): Promise<Plan>;
  /** Resolve every configured secret (fail closed). Values stay valid until {@link BuildSecrets.dispose}. */
  resolve(options?: { readonly signal?: AbortSignal }): Promise<ReadonlyMap<string, SecretValue>>;
  /** Resolve everything and report per secret, without throwing on failures. */
  check(options?: { readonly signal?: AbortSignal }): Promise<CheckReport>;
  /** Resolve, inject, run the engine, tear down, audit. */
  build(options?: BuildOptions): Promise<BuildResult>;
  /** Dispose providers, wipe values, remove temp files. Idempotent. */
  dispose(): Promise<void>;
}

async function loadInput(options: CreateBuildSecretsOptions, cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<LoadedConfig> {
  if (options.config !== undefined) return await parseConfigLazily(options.config, { env, baseDir: cwd });
  return loadConfig({ ...(options.configPath !== undefined ? { configPath: options.configPath } : {}), cwd, env });
}

/**
 * Load and validate the config, load the provider plugins it names, and compose a run.
 *
 * @example
 * ```ts
 * import { createBuildSecrets } from '@buildsecrets/core';
 *
 * const bs = await createBuildSecrets({ configPath: 'buildsecrets.yaml' });
 * try {
 *   const plan = await bs.plan();
 *   const values = await bs.resolve();
 *   console.log(plan.secrets.map((s) => s.id), values.size);
 * } finally {
 *   await bs.dispose();
 * }
 * ```
 */
export async function createBuildSecrets(options: CreateBuildSecretsOptions = {}): Promise<BuildSecrets> {
  profileMark('open: start');
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const redactor = createRedactor({ style: options.redaction ?? 'mask' });
  if (options.onSecret) {
    const add = redactor.add.bind(redactor);
    const hook = options.onSecret;
    redactor.add = (label, value) => {
      add(label, value);
      hook(label, value);
    };
  }
  const logger = createLogger(redactor, { level: options.logLevel ?? 'info', ...(options.log ? { write: options.log } : {}) });
  const loaded = await loadInput(options, cwd, env);
  for (const s of loaded.sensitive) redactor.add(s.label, s.value);
  const { config, baseDir } = loaded;
  const registered = new Map(Object.entries(options.providers ?? {}));
  // Every provider is loaded and checked before anything is reported: all problems at once. A
  // `${VAR}` interpolated into `use:` is a secret like any other: errors quoting it are redacted here.
  const { definitions, options: providerOptions } = await loadProviderDefinitions(config, { baseDir, registered, file: loaded.file, sensitive: loaded.sensitive }).catch((error: unknown) => {
    throw redactError(error, redactor);
  });
  const templates = await loadTemplates(config, baseDir, loaded.file);
  const templateReferences = templateReferenceMap(templates);
  profileMark('open: config, providers and templates loaded');
  const strategies = new Map([...defaultStrategies(), ...Object.entries(options.strategies ?? {})]) as ReadonlyMap<Exclude<InjectionKind, 'none'>, InjectionStrategy>;

  const lifetime = new AbortController();
  const instanceSignal = options.signal ? AbortSignal.any([options.signal, lifetime.signal]) : lifetime.signal;
  let deadline = Number.MAX_SAFE_INTEGER;
  const runs: DependencyContainer[] = [];
  const tempDirs: { remove(): Promise<void> }[] = [];
  const resolvedValues: SecretValue[] = [];
  let disposed = false;

  const newRun = (): DependencyContainer => {
    if (disposed) throw new BuildSecretsError('INTERNAL', 'this buildsecrets instance was disposed');
    const run = composeRun({ config, baseDir, env, logger, redactor, signal: instanceSignal, providerDefinitions: definitions, providerOptions, strategies, deadline: () => deadline });
    runs.push(run);
    return run;
  };
  const entries = Object.entries(config.secrets).map(([id, c]) => ({ id, config: c }));
  const fetchedEntries = entries.flatMap((e) => (isFetchedSecret(e.config) ? [{ id: e.id, config: e.config }] : []));
  const settings = config.resolve ?? { concurrency: 16, timeoutMs: 15_000, deadlineMs: 60_000, retries: 2 };

  const resolveAll = async (signal?: AbortSignal, options: ResolveAllOptions = {}): Promise<Map<string, SecretValue>> => {
    const { ids, versionIds } = options;
    const run = newRun();
    const pool = run.resolve(TOKENS.providerPool);
    deadline = Date.now() + settings.deadlineMs;
    const combined = signal ? AbortSignal.any([signal, instanceSignal]) : instanceSignal;
    try {
      // A rendered secret needs the secrets its template embeds: fetch those, then render.
      const wanted = withDependencies(config, ids ?? entries.map((e) => e.id), templateReferences);
      const chosen = fetchedEntries.filter((e) => wanted.has(e.id));
      const values = await resolveSecrets({ entries: chosen, provider: (name) => pool.get(name), settings, redactor, logger, signal: combined, ...(versionIds ? { versionIds } : {}) });
      try {
        renderSecrets({ templates, wanted, values, redactor, allowEmpty: (id) => config.secrets[id]?.allowEmpty === true });
      } catch (error) {
        for (const v of values.values()) v.wipe();
        throw error;
      }
      resolvedValues.push(...values.values());
      return values;
    } finally {
      await disposeRun(run);
    }
  };

  const session: BuildSession = {
    config,
    baseDir,
    env,
    logger,
    redactor,
    templateReferences,
    resolveAll: (signal, options) => resolveAll(signal, options),
    strategy: (kind) => {
      const strategy = strategies.get(kind);
      if (!strategy) throw new BuildSecretsError('INTERNAL', `no injection strategy is registered for "${kind}"`);
      return strategy;
    },
    tempDir: async (prefix) => {
      const dir = await makeTempDir(prefix, env);
      tempDirs.push(dir);
      return dir;
    },
  };

  return {
    config,
    configFile: loaded.file,
    baseDir,
    redactor,
    logger,
    plan: (planOptions) => buildPlan({ config, baseDir, definitions, providerOptions, cwd, templateReferences, redact: (text) => redactor.redact(text) }, planOptions),
    resolve: (o) => resolveAll(o?.signal),
    async check(o) {
      try {
        const values = await resolveAll(o?.signal);
        // Short values: a warning by id, or a failure under build.minSecretLength (as `build` does).
        const required = config.build?.minSecretLength;
        const minimum = required ?? AUDIT_MIN_VALUE_LENGTH;
        const checked = entries.map((e) => {
          const length = values.get(e.id)?.length;
          const short = length !== undefined && length < minimum ? { short: { length, minimum } } : {};
          return { id: e.id, provider: e.config.from ?? 'template', ok: !(required !== undefined && 'short' in short), ...short };
        });
        return { ok: checked.every((e) => e.ok), entries: checked };
      } catch (err) {
        if (!(err instanceof SecretsUnresolvedError)) throw err;
        const failed = new Map(err.failures.map((f) => [f.secretId, f.error]));
        return {
          ok: false,
          entries: entries.map((e) => {
            const error = failed.get(e.id);
            const provider = e.config.from ?? 'template';
            return error ? { id: e.id, provider, ok: false, error } : { id: e.id, provider, ok: true };
          }),
        };
      }
    },
    build: (buildOptions = {}) => runBuild(session, buildOptions),
    async dispose() {
      if (disposed) return;
      disposed = true;
      lifetime.abort();
      await Promise.allSettled(runs.map((r) => disposeRun(r)));
      for (const v of resolvedValues) v.wipe();
      await Promise.allSettled(tempDirs.map((d) => d.remove()));
    },
  };
}
