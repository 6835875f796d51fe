import type { SecretConfig, BuildConfig, InjectionKind } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { TempDir } from '../provider/types.js';
import type { Redactor } from '../redaction/types.js';
import type { SecretValue } from '../secret-value.js';

/** A resolved secret on its way into the build. */
export interface SecretForInjection {
  /** The secret id (as the Dockerfile mounts it). */
  readonly id: string;
  /** Its config entry (inject, buildArg, sshId, maxReads, …). */
  readonly config: SecretConfig;
  /** The value. */
  readonly value: SecretValue;
}

/** What a strategy needs from the run. */
export interface StrategyContext {
  /** Redacting logger. */
  readonly logger: Logger;
  /** Aborted on SIGINT/SIGTERM or caller abort. */
  readonly signal: AbortSignal;
  /** The run's redactor (strategies register derived values, e.g. the served-file token). */
  readonly redactor: Redactor;
  /** Build settings from the config. */
  readonly build: BuildConfig;
  /** The environment the run sees. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Make a private 0700 directory (tmpfs when available), removed at teardown. */
  tempDir(prefix?: string): Promise<TempDir>;
  /** Every resolved secret by id, including `inject: none` helpers such as key passphrases. */
  lookup(secretId: string): SecretValue | undefined;
  /** The ARG names the Dockerfile declares (for the build-arg proxy warning); empty when unknown. */
  readonly declaredArgs: ReadonlySet<string>;
}

/**
 * What a strategy hands to the engine: extra `docker build` arguments and extra environment for
 * the engine process only. Values go in `env`, never in `engineArgs` (arguments are visible in `ps`).
 */
export interface PreparedInjection {
  /** Arguments added to `docker build`, e.g. `--secret id=x,src=/dev/shm/…`. */
  readonly engineArgs: readonly string[];
  /** Environment added to the engine process only. */
  readonly env: Readonly<Record<string, string>>;
  /** Human lines for `--dry-run` and `--verbose` (no values). */
  readonly summary: readonly string[];
  /** Remove every resource (files, sockets, servers). Idempotent; called after the engine exits, on every path. */
  dispose(): Promise<void>;
}

/** One way of handing secrets to a build. */
export interface InjectionStrategy {
  /** Which `inject:` value this strategy serves. */
  readonly kind: Exclude<InjectionKind, 'none'>;
  /**
   * True when what {@link InjectionStrategy.prepare} hands the engine works only once (served-file's
   * single-use reads). The build then never starts on a guessed engine before the engine probe
   * answers: a start the probe overrides could not be repeated with the same injection.
   */
  readonly singleUse?: boolean;
  /**
   * Check, before anything is resolved, that the strategy can serve these secrets as configured
   * (for example build-arg refuses a sensitive secret without allowInsecure). Throws a typed error.
   */
  validate?(secrets: readonly { id: string; config: SecretConfig }[], context: Pick<StrategyContext, 'declaredArgs' | 'logger'>): void;
  /** Set up what the build needs for these secrets (all of this strategy's secrets at once). */
  prepare(secrets: readonly SecretForInjection[], context: StrategyContext): Promise<PreparedInjection>;
}
