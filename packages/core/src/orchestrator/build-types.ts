import type { AuditSettingInput } from '../audit/audit-settings.js';
import type { BuildSecretsConfig } from '../config/schema.js';
import type { LeakFinding } from '../errors/error-classes.js';
import type { InjectionKind } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { TempDir } from '../provider/types.js';
import type { Redactor } from '../redaction/types.js';
import type { SecretValue } from '../secret-value.js';
import type { InjectionStrategy } from '../strategies/types.js';

/** What `bs.build()` and `buildsecrets build` accept. */
export interface BuildOptions {
  /** The build context directory (default: the working directory). */
  readonly context?: string;
  /** The Dockerfile (`-f`); default `<context>/Dockerfile` or `build.dockerfile` from the config. */
  readonly dockerfile?: string;
  /** The user's own `docker build` arguments (`-t app`, `--target x`, `--platform …`), passed through untouched. */
  readonly engineArgs?: readonly string[];
  /** The docker binary; overrides `build.docker` and `BUILDSECRETS_DOCKER`. */
  readonly docker?: string;
  /**
   * Post-build audit: `fail`, `warn` or `off` (`true`/`false` mean fail/off), or `{ mode, baseLayers }`;
   * overrides `build.audit` from the config field by field. Default: fail, base layers warn.
   */
  readonly audit?: AuditSettingInput;
  /** Print the docker command (values redacted) instead of running it; nothing is resolved or started. */
  readonly dryRun?: boolean;
  /** Where the engine's (redacted) output goes; default process.stderr. */
  readonly output?: NodeJS.WritableStream;
  /** Cancels the build; teardown still runs. */
  readonly signal?: AbortSignal;
}

/** What the post-build audit of a build found (never a value). */
export interface BuildAuditSummary {
  /** True when nothing was found and every layer was searched. */
  readonly clean: boolean;
  /** Number of findings written by this build (or not attributable to the base image). */
  readonly findings: number;
  /** Findings written by this build (or not attributable to the base image). */
  readonly leaks: readonly LeakFinding[];
  /** Findings only in base-image layers: there before this build. */
  readonly preExisting: readonly LeakFinding[];
  /** Layers searched. */
  readonly layers: number;
  /** How many of the layers this build added (undefined when no layer could be attributed to a base image). */
  readonly buildLayers: number | undefined;
  /** Layers or blobs that could not be searched, each with the reason. */
  readonly unscanned: readonly string[];
}

/** What a build produced. */
export interface BuildResult {
  /** Exit code of the engine process (0 on success). */
  readonly exitCode: number;
  /** The image id when the engine reported one (`--iidfile`). */
  readonly imageId?: string;
  /** The full engine command, values redacted (for `--dry-run` and logs). */
  readonly command: readonly string[];
  /** The audit outcome, when an audit ran. */
  readonly audit?: BuildAuditSummary;
}

/**
 * What the orchestrator hands to the build runner: everything the run composed, so the build code
 * never reaches back into config loading or the container.
 */
export interface BuildSession {
  /** The validated config. */
  readonly config: BuildSecretsConfig;
  /** Directory of the config file (relative paths resolve against it). */
  readonly baseDir: string;
  /** The environment of the run. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The run's redacting logger. */
  readonly logger: Logger;
  /** The run's redactor (every resolved value is in it). */
  readonly redactor: Redactor;
  /** Resolve every configured secret (fail closed). Values are already registered with the redactor. */
  resolveAll(signal: AbortSignal): Promise<ReadonlyMap<string, SecretValue>>;
  /** The strategy for each injection kind. */
  strategy(kind: Exclude<InjectionKind, 'none'>): InjectionStrategy;
  /** A private temp dir, removed at teardown. */
  tempDir(prefix?: string): Promise<TempDir>;
}
