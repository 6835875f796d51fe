/**
 * `@buildsecrets/core`: the provider contract, config, resolver, strategies, engine runner,
 * redactor and auditor of buildsecrets.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export { SecretValue } from './secret-value.js';
export { z } from 'zod';
export type {
  SecretRequest,
  SecretResult,
  SecretProvider,
  ProviderCapabilities,
  ProviderContext,
  ProviderDefinition,
  AnyProviderDefinition,
  TempDir,
  RetryOptions,
} from './provider/types.js';
export { defineProvider, SUPPORTED_PROVIDER_API_VERSIONS } from './provider/define-provider.js';
export { secretOk, secretFailed } from './provider/results.js';
export { extractKey, pickKey, type ExtractKeyContext } from './provider/extract-key.js';
export type { Logger, LogLevel, LoggerOptions } from './logging/logger.js';
export { createLogger, silentLogger } from './logging/logger.js';
export type { Redactor, RedactionStyle } from './redaction/types.js';
export { createRedactor, type RedactorOptions } from './redaction/redactor.js';
export {
  configSchema,
  secretConfigSchema,
  providerConfigSchema,
  buildConfigSchema,
  resolveConfigSchema,
  INJECTION_KINDS,
  type InjectionKind,
  type SecretConfig,
  type ProviderConfig,
  type ResolveConfig,
  type BuildConfig,
  type BuildSecretsConfig,
  type BuildSecretsConfigInput,
} from './config/schema.js';
export type { InjectionStrategy, PreparedInjection, SecretForInjection, StrategyContext } from './strategies/types.js';
export { makeTempDir, secretTempRoot, shredDirectory, TEMP_PREFIX } from './util/temp-dir.js';
