import { BuildSecretsError, type BuildSecretsErrorOptions } from './build-secrets-error.js';

/** One problem in a config file, addressed by its dotted path (for example `secrets.npm_token.from`). */
export interface ConfigIssue {
  /** Dotted path into the config; empty for the whole file. */
  readonly path: string;
  /** What is wrong, never quoting a value from the file. */
  readonly message: string;
}

/** The config file (or programmatic config) is invalid. Carries every issue found, not just the first. */
export class ConfigError extends BuildSecretsError {
  /** Every problem found, each with its path. */
  readonly issues: readonly ConfigIssue[];
  /** The file the issues are in, if the config came from a file. */
  readonly file: string | undefined;

  constructor(issues: readonly ConfigIssue[], options: BuildSecretsErrorOptions & { file?: string } = {}) {
    const where = options.file ? ` in ${options.file}` : '';
    const lines = issues.map((i) => `  - ${i.path ? `${i.path}: ` : ''}${i.message}`);
    super('CONFIG_INVALID', `invalid config${where} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, options);
    this.issues = issues;
    this.file = options.file;
  }
}

/**
 * The Dockerfile has problems that would break the build (BuildKit would reject it, or it mounts a
 * secret the config does not have), or there is no Dockerfile to read. Not a config problem: the
 * message says "Dockerfile" and lists each problem with its line.
 */
export class DockerfileError extends BuildSecretsError {
  /** Each problem, one line each (with its line number). */
  readonly problems: readonly string[];
  /** The Dockerfile. */
  readonly file: string | undefined;

  constructor(problems: readonly string[], options: BuildSecretsErrorOptions & { file?: string } = {}) {
    const where = options.file ? ` ${options.file}` : '';
    super('DOCKERFILE_INVALID', `Dockerfile problem${problems.length === 1 ? '' : 's'} in${where || ' the Dockerfile'} (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.problems = problems;
    this.file = options.file;
  }
}

/** A provider plugin could not be loaded or does not have the expected shape. */
export class PluginLoadError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('PLUGIN_LOAD_FAILED', message, options);
  }
}

/** The provider answered that the secret (or the requested version or key) does not exist. */
export class SecretNotFoundError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('SECRET_NOT_FOUND', message, options);
  }
}

/** The secret exists but cannot be used as asked (empty value, not JSON when a key was asked, too large, bad key material). */
export class InvalidSecretError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('SECRET_INVALID', message, options);
  }
}

/** Credentials were missing or rejected by the provider. */
export class AuthenticationError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('AUTHENTICATION_FAILED', message, options);
  }
}

/** Credentials were accepted but do not allow reading this secret. */
export class PermissionDeniedError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('PERMISSION_DENIED', message, options);
  }
}

/** The provider could not be reached or is overloaded (5xx, throttling, sealed, connection refused). Retryable by default. */
export class ProviderUnavailableError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('PROVIDER_UNAVAILABLE', message, { retryable: true, ...options });
  }
}

/** A request or the whole run exceeded its time budget. */
export class TimeoutError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('TIMEOUT', message, { retryable: true, ...options });
  }
}

/** The run was cancelled (SIGINT, SIGTERM, or the caller's AbortSignal). */
export class AbortedError extends BuildSecretsError {
  constructor(message = 'the run was cancelled', options: BuildSecretsErrorOptions = {}) {
    super('ABORTED', message, options);
  }
}

/** An injection strategy refused to hand a secret over (for example a sensitive secret as a build-arg). */
export class StrategyRefusedError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('STRATEGY_REFUSED', message, options);
  }
}

/** The container engine is missing, lacks BuildKit, or the build failed. */
export class EngineError extends BuildSecretsError {
  /** Exit code of the engine process, when it ran. */
  readonly exitCode: number | undefined;

  constructor(message: string, options: BuildSecretsErrorOptions & { exitCode?: number } = {}) {
    super('ENGINE_FAILED', message, options);
    this.exitCode = options.exitCode;
  }
}

/** The command line was used wrongly. */
export class UsageError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('USAGE', message, options);
  }
}

/** One secret that failed to resolve, as listed by {@link SecretsUnresolvedError}. */
export interface UnresolvedSecret {
  /** The secret id. */
  readonly secretId: string;
  /** The provider instance name. */
  readonly provider: string;
  /** The typed error for this secret. */
  readonly error: BuildSecretsError;
}

/**
 * Fail-closed aggregate: one or more secrets could not be resolved, so the build does not start.
 * The message lists every failed id with its provider and reason.
 */
export class SecretsUnresolvedError extends BuildSecretsError {
  /** Every failed secret, in config order. */
  readonly failures: readonly UnresolvedSecret[];

  constructor(failures: readonly UnresolvedSecret[]) {
    const lines = failures.map((f) => `  - ${f.secretId} (provider ${f.provider}): ${f.error.message.replace(/^\[buildsecrets[^\]]*\]\s*/, '').replace(/\n/g, '\n    ')}`);
    super(
      'SECRETS_UNRESOLVED',
      `${failures.length} secret${failures.length === 1 ? '' : 's'} could not be resolved; the build was not started:\n${lines.join('\n')}`,
      { hint: 'fix the provider access or the secret reference above, then run `buildsecrets check` to verify' },
    );
    this.failures = failures;
  }
}

/** Where a leaked value was found and how it was encoded. Never holds the value. */
export interface LeakFinding {
  /** The secret id whose value was found. */
  readonly secretId: string;
  /** The encoding the value was found in (`raw`, `base64`, `hex`, ...). */
  readonly encoding: string;
  /** Where: `layer` with digest and path, or `config` with field (and history index). */
  readonly location:
    | {
        readonly kind: 'layer';
        readonly layer: string;
        readonly path: string;
        /** Digest of a later layer that deletes (whiteouts) this file: still shipped, just hidden. */
        readonly deletedInLayer?: string;
      }
    | { readonly kind: 'config'; readonly field: string; readonly historyIndex?: number }
    | { readonly kind: 'manifest'; readonly file: string; readonly field: string };
}

/** The built image contains one or more resolved secret values. */
export class LeakDetectedError extends BuildSecretsError {
  /** Every finding. */
  readonly findings: readonly LeakFinding[];
  /** The image that leaked; left in place for inspection. */
  readonly image: string | undefined;

  constructor(findings: readonly LeakFinding[], options: BuildSecretsErrorOptions & { image?: string } = {}) {
    const ids = [...new Set(findings.map((f) => f.secretId))];
    super('LEAK_DETECTED', `${findings.length} leak${findings.length === 1 ? '' : 's'} of ${ids.join(', ')} found in ${options.image ?? 'the image'}`, {
      hint: 'the image was left in place for inspection; do not push it. Run `buildsecrets audit` on it for the full report',
      ...options,
    });
    this.findings = findings;
    this.image = options.image;
  }

  /** With `--json`: the findings (ids, encodings, places — never a value) and the image. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...(this.image !== undefined ? { image: this.image } : {}), findings: this.findings };
  }
}

/**
 * The image could not be read for an audit: `docker save` failed, the archive is truncated or is
 * not a tar, or a layer could not be decompressed. The audit fails closed: no report is produced.
 */
export class AuditError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('AUDIT_FAILED', message, options);
  }
}
