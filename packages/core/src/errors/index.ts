export { BuildSecretsError, isBuildSecretsError, type ErrorCode, type BuildSecretsErrorOptions } from './build-secrets-error.js';
export { ScrubbedCause, scrubCause } from './scrub-cause.js';
export {
  ConfigError,
  DockerfileError,
  PluginLoadError,
  SecretNotFoundError,
  InvalidSecretError,
  AuthenticationError,
  PermissionDeniedError,
  ProviderUnavailableError,
  TimeoutError,
  AbortedError,
  StrategyRefusedError,
  EngineError,
  UsageError,
  SecretsUnresolvedError,
  LeakDetectedError,
  AuditError,
  type ConfigIssue,
  type UnresolvedSecret,
  type LeakFinding,
} from './error-classes.js';
