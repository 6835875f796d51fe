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
export { lazyOptionsSchema } from './provider/lazy-options-schema.js';
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
  type SecretConfig,
  type ProviderConfig,
  type ResolveConfig,
  type BuildConfig,
  type BuildSecretsConfig,
  type BuildSecretsConfigInput,
} from './config/schema.js';
// From their own zod-free module, so that importers (and the CLI bundle) do not build the schema.
export { INJECTION_KINDS, ENGINE_CHOICES, type InjectionKind } from './config/config-constants.js';
export type { InjectionStrategy, PreparedInjection, SecretForInjection, StrategyContext } from './strategies/types.js';
export { makeTempDir, secretTempRoot, shredDirectory, TEMP_PREFIX } from './util/temp-dir.js';
export { detectEngine, type EngineInfo, type EngineMode, type DetectEngineOptions } from './engine/detect-engine.js';
export { runEngine, engineCommand, type RunEngineOptions, type EngineRun } from './engine/run-engine.js';
export { resolveDockerBinary, DEFAULT_DOCKER_BINARY, type DockerBinarySources } from './engine/docker-binary.js';
export { runBuild } from './orchestrator/run-build.js';
export type { BuildSteps, DockerfileCheck, AuditInput, AuditOutcome } from './orchestrator/build-steps.js';
export { formatCommand } from './orchestrator/dry-run.js';
export { handleSignals, type SignalScope, type HandleSignalsOptions, type RunSignal } from './orchestrator/signals.js';
export { trackPath, trackProcessGroup, sweepSync } from './orchestrator/exit-cleanup.js';
export { attachJanitor, trackEngineResult, trackUnauditedImage } from './orchestrator/exit-cleanup.js';
export { startJanitor, type Janitor, type JanitorMessage } from './janitor/janitor.js';
export type { ContainersBuildWatch, EnvCopyFingerprint } from './janitor/janitor.js';
export { sweepStaleRuns, unauditedReportDir, type StaleSweep } from './janitor/stale-sweep.js';
export type { BuildAuditSummary, BuildOptions, BuildResult, BuildSession, ResolveAllOptions } from './orchestrator/build-types.js';
export type { EngineReport } from './orchestrator/build-types.js';
export { describeEngineReport } from './orchestrator/engine-step.js';
export {
  ENGINE_NAMES,
  type EngineName,
  type EngineAdapter,
  type EngineCapabilities,
  type EngineProbe,
  type EngineEnvironment,
  type EngineCommand,
  type EngineRunRequest,
  type EngineBuildRun,
  type ImageDiffIds,
} from './engine/engine-adapter.js';
export { engineAdapter, engineBinaries, type EngineBinaries } from './engine/engine-registry.js';
export { selectEngine, AUTO_DETECTION_ORDER, type EngineChoice, type EngineRequest, type SelectEngineOptions } from './engine/select-engine.js';
export { assertEngineSupports, type SecretToDeliver, type EngineTarget, type ServedFileReach } from './engine/strategy-support.js';
export { dockerEndpoint, isRemoteDockerHost, type DockerEndpoint } from './engine/docker-endpoint.js';
export { dockerBuildxAdapter, dockerBuildkitAdapter, dockerClassicAdapter } from './engine/adapters/docker-adapters.js';
export { podmanAdapter, buildahAdapter } from './engine/adapters/containers-adapters.js';
export { loadConfig, type LoadedConfig, type LoadConfigOptions, type ParseConfigOptions } from './config/load-config.js';
export { parseConfig } from './config/parse-config.js';
export { findConfigFile, CONFIG_FILE_NAMES, type FindConfigFileOptions } from './config/discover.js';
export { validateConfig, validateProviderOptions, type ValidateConfigOptions } from './config/validate.js';
export type { SensitiveValue } from './config/interpolate.js';
export { configJsonSchema, CONFIG_JSON_SCHEMA_ID } from './config/json-schema.js';
export { MAX_CONFIG_BYTES } from './config/decode-config-text.js';
export { loadProviderDefinition, type LoadProviderDefinitionOptions } from './plugins/load-provider-definition.js';
export { assertProviderDefinition } from './plugins/assert-provider-definition.js';
export { BUILTIN_PROVIDERS } from './plugins/builtin-providers.js';
export {
  createBuildSecrets,
  type BuildSecrets,
  type CreateBuildSecretsOptions,
  type CheckReport,
  type CheckEntry,
} from './orchestrator/create-build-secrets.js';
export type { Plan, PlanSecret, PlanOptions } from './orchestrator/plan.js';
export { planConfig, type PlanConfigOptions, type PlannedConfig } from './orchestrator/plan-config.js';
export { resolveSecrets } from './resolver/resolve-secrets.js';
export type { ResolveInput, SecretEntry, ProviderHandle } from './resolver/types.js';
export { retry } from './resolver/retry.js';
export { defaultStrategies } from './strategies/default-strategies.js';
export { TOKENS } from './container/tokens.js';
export { composeRun, disposeRun, type RunComposition } from './container/compose.js';
export { ProviderPool, type ProviderPoolInput } from './container/provider-pool.js';
// The audit lives in @buildsecrets/audit; re-exported so every public import from core keeps working.
export {
  auditImage,
  auditSource,
  openImageSource,
  parseImageReference,
  formatPlatform,
  auditExport,
  formatAuditReport,
  formatFindings,
  DEFAULT_AUDIT_SETTINGS,
  parseAuditMode,
  parseBaseLayersPolicy,
  resolveAuditSettings,
  isSignificantLine,
  lineEntropyBits,
  MIN_LINE_BITS,
  MIN_LINE_BYTES,
  buildPatterns,
  type AuditOptions,
  type AuditSourceOptions,
  type ImageSource,
  type ImageReference,
  type OpenImageSourceOptions,
  type TransportName,
  type AuditReport,
  type AuditSecret,
  type UnscannedLayer,
  type FormatAuditReportOptions,
  type ExportTarget,
  type AuditMode,
  type AuditSettingInput,
  type AuditSettings,
  type BaseLayersPolicy,
  type SecretPattern,
  type PatternSet,
  type PatternSource,
  type BuildPatternsOptions,
  type EncodingName,
} from '@buildsecrets/audit';
// docker:// (the registry source of @buildsecrets/audit).
export {
  auditRegistryImage,
  parseDockerReference,
  formatDockerReference,
  RegistryClient,
  RegistryCredentials,
  findRegistryCredentials,
  dockerConfigDir,
  RegistryAuthenticationError,
  RegistryPermissionError,
  ImageNotFoundError,
  RegistryUnavailableError,
  DigestMismatchError,
  UnsupportedManifestError,
  RegistryTlsError,
  type AuditRegistryOptions,
  type DockerReference,
  type RegistryClientOptions,
  type FetchedManifest,
  type RegistryTlsSettings,
  type RegistryTimeouts,
  type RetryPolicy,
  type RegistryErrorContext,
} from '@buildsecrets/audit';
export { inspectDiffIds } from './orchestrator/audit-step.js';
export { DEFAULT_LINE_HOLD_MS, MIN_ENCODED_REDACTION_LENGTH, REDACTION_MASK } from './redaction/redactor.js';
export { analyzeDockerfile, readDockerfile, type AnalyzeDockerfileOptions } from './dockerfile/analyze.js';
export type {
  DockerfileAnalysis,
  DockerfileDirectives,
  DockerfileDiagnostic,
  DockerfileLocation,
  DockerfileStage,
  RunInstruction,
  SecretMount,
  SshMount,
  ArgDeclaration,
  EnvDeclaration,
  EscapeChar,
} from './dockerfile/types.js';
export { checkDockerfileAgainstConfig, type PlanFinding } from './dockerfile/plan-checks.js';
export { DOCKER_PROXY_ARGS, isDockerProxyArg } from './dockerfile/proxy-args.js';
export { looksLikeSecretName } from './dockerfile/secret-like.js';
export { secretMountStrategy } from './strategies/secret-mount.js';
export { buildArgStrategy } from './strategies/build-arg.js';
export { servedFileStrategy, SERVED_FILE_BUILD_ARGS, type ServedFileStrategyOptions } from './strategies/served-file/served-file-strategy.js';
export { DEFAULT_SERVER_LIMITS, type SecretServerLimits } from './strategies/served-file/secret-server.js';
export { servedFileHelperPath, servedFileHelperScript, SERVED_FILE_HELPER_NAME } from './strategies/served-file/helper-script.js';
export { sshAgentStrategy, DEFAULT_SSH_ID } from './strategies/ssh-agent/ssh-agent-strategy.js';
export { closestMatch } from './config/did-you-mean.js';
export { createLimiter } from './resolver/limiter.js';
export { withWarningsAsDebug } from './provider/warnings-as-debug.js';
export { awsClientOptionsShape } from './provider/aws-client-options.js';
export { awsAbortedError, awsErrorName, isTransientAwsError, mapCommonAwsError, type AwsErrorSubject, type AwsErrorWording } from './provider/aws-sdk-errors.js';
export { stagesNeeded, type StageSelection, type NeededStages } from './dockerfile/stage-graph.js';
export { neededSecrets, type NeededSecrets } from './dockerfile/needed-secrets.js';
export { parseTemplate, templateReferences, TEMPLATE_FILTERS, type TemplateFilter, type TemplatePart, type TemplateProblem } from './templates/parse-template.js';
export { renderTemplate } from './templates/render-template.js';
export { loadTemplates, type CompiledTemplate, type CompiledTemplates } from './templates/load-templates.js';
export { isFetchedSecret, type FetchedSecretConfig } from './config/schema.js';
export type { TemplateReferences } from './config/secret-dependencies.js';
export { checkBuildContext, type CheckContextOptions, type ContextCheckReport } from './context-check/check-context.js';
export { loadContextIgnore, type ContextIgnore } from './context-check/dockerignore.js';
export { walkContext, type ContextFile } from './context-check/walk-context.js';
export type { ContextLeak } from './context-check/scan-files.js';
export type { CredentialFile } from './context-check/credential-files.js';
export { CACHE_MODES, type CacheMode } from './config/config-constants.js';
export { cacheRevArgName, isCacheRevArg, CACHE_REV_ARG_PREFIX } from './cache/rev-arg-name.js';
export { keyedRev, KEYED_REV_BITS, MIN_CACHE_KEY_BYTES, KEYED_REV_PATTERN } from './cache/keyed-rev.js';
export { cacheModeOf, cachedSecrets, CACHEABLE_KINDS, type CachedSecret } from './cache/cache-mode.js';
export type { EnginePushOptions } from './engine/engine-adapter.js';
export { runPush, type PushRun, type RunPushOptions } from './engine/run-push.js';
export { refuseEnginePush, pushTags } from './orchestrator/push-step.js';
export type { PushSettings, PushedImage } from './orchestrator/build-types.js';
