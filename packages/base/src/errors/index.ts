export { BuildSecretsError, isBuildSecretsError, type ErrorCode, type BuildSecretsErrorOptions } from './build-secrets-error.js';
export { ScrubbedCause, scrubCause } from './scrub-cause.js';
export { ContextLeakError, type ContextFinding } from './context-leak-error.js';
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
export { InterruptedAfterBuildError } from './interrupted-after-build.js';
export { withVerboseDetail, verboseDetails } from './verbose-detail.js';
