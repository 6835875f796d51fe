import type { InjectionToken } from 'tsyringe';
import type { BuildSecretsConfig, InjectionKind } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import type { Redactor } from '../redaction/types.js';
import type { InjectionStrategy } from '../strategies/types.js';
import type { ProviderPool } from './provider-pool.js';

/**
 * Explicit injection tokens. Registration is by token and factory only: esbuild and tsx emit no
 * decorator metadata, so nothing here may rely on constructor parameter types.
 */
export const TOKENS = {
  /** The validated config. */
  config: Symbol.for('buildsecrets.config') as InjectionToken<BuildSecretsConfig>,
  /** Directory that relative paths in the config resolve against. */
  baseDir: Symbol.for('buildsecrets.baseDir') as InjectionToken<string>,
  /** The run's environment. */
  env: Symbol.for('buildsecrets.env') as InjectionToken<Readonly<Record<string, string | undefined>>>,
  /** The run's redactor. */
  redactor: Symbol.for('buildsecrets.redactor') as InjectionToken<Redactor>,
  /** The run's redacting logger. */
  logger: Symbol.for('buildsecrets.logger') as InjectionToken<Logger>,
  /** The run's cancellation signal. */
  signal: Symbol.for('buildsecrets.signal') as InjectionToken<AbortSignal>,
  /** Provider definitions by instance name (after plugin loading). */
  providerDefinitions: Symbol.for('buildsecrets.providerDefinitions') as InjectionToken<ReadonlyMap<string, AnyProviderDefinition>>,
  /** Parsed provider options by instance name. */
  providerOptions: Symbol.for('buildsecrets.providerOptions') as InjectionToken<ReadonlyMap<string, unknown>>,
  /** Live provider instances, created on first use and disposed at the end of the run. */
  providerPool: Symbol.for('buildsecrets.providerPool') as InjectionToken<ProviderPool>,
  /** Injection strategies by kind. */
  strategies: Symbol.for('buildsecrets.strategies') as InjectionToken<ReadonlyMap<Exclude<InjectionKind, 'none'>, InjectionStrategy>>,
} as const;
