import type { AuditSettingInput } from '@buildsecrets/audit';
import type { BuildSecretsConfig } from '../config/schema.js';
import type { LeakFinding } from '../errors/index.js';
import type { EngineName } from '../engine/engine-adapter.js';
import type { EngineRequest } from '../engine/select-engine.js';
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
  /** The engine (`--engine`): overrides `BUILDSECRETS_ENGINE` and `build.engine`; default `auto`. */
  readonly engine?: EngineRequest;
  /** Print the docker command (values redacted) instead of running it; nothing is resolved or started. */
  readonly dryRun?: boolean;
  /** Where the engine's (redacted) output goes; default process.stderr. */
  readonly output?: NodeJS.WritableStream;
  /** Cancels the build; teardown still runs. */
  readonly signal?: AbortSignal;
  /**
   * The push gate (`--push`): build locally, audit, then push every `-t` tag with the engine's own
   * push, only when the audit is clean. Overrides `build.push`. An object sets TLS for podman/buildah.
   */
  readonly push?: boolean | PushSettings;
}

/** How the push gate reaches the registry (podman and buildah only; docker uses the daemon's settings). */
export interface PushSettings {
  /** `false`: do not verify the registry's TLS certificate (`--push-tls-verify=false`). */
  readonly tlsVerify?: boolean;
  /** A directory of CA certificates for the registry (`--push-cert-dir`). */
  readonly certDir?: string;
}

/** One tag the push gate pushed. */
export interface PushedImage {
  /** The reference pushed (`-t`). */
  readonly reference: string;
  /** The manifest digest the registry stored. */
  readonly digest: string;
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
  /** The engine that built (or, for `--dry-run`, would build) and how it was chosen. */
  readonly engine?: EngineReport;
  /** What the push gate pushed (only after a clean audit). */
  readonly pushed?: readonly PushedImage[];
}

/** Which engine a build used and why (printed with `--verbose` and `--dry-run`). */
export interface EngineReport {
  /** The engine's name. */
  readonly name: EngineName;
  /** What was asked for (`auto` or a name). */
  readonly requested: EngineRequest;
  /** False when the engine was assumed without asking it (a dry run whose probe failed). */
  readonly probed: boolean;
  /** The engine's (daemon's) version, when probed. */
  readonly version?: string;
  /** Each engine tried, in detection order, with the reason it was taken or passed over. */
  readonly tried: readonly string[];
}

/** What {@link BuildSession.resolveAll} resolves, and where it reports version ids. */
export interface ResolveAllOptions {
  /** Only these secret ids (plus what their templates and passphrases need); all when absent. */
  readonly ids?: readonly string[];
  /** Filled with each resolved secret's non-secret version id, where its provider returns one. */
  readonly versionIds?: Map<string, string>;
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
  /**
   * Resolve every configured secret, or only `options.ids` when given (fail closed). Values are
   * already registered with the redactor. `options.versionIds`, when given, is filled with the
   * providers' non-secret version ids (for cache revs).
   */
  resolveAll(signal: AbortSignal, options?: ResolveAllOptions): Promise<ReadonlyMap<string, SecretValue>>;
  /** The secret ids each rendered secret's template embeds (absent: no templates). */
  readonly templateReferences?: ReadonlyMap<string, readonly string[]>;
  /** The strategy for each injection kind. */
  strategy(kind: Exclude<InjectionKind, 'none'>): InjectionStrategy;
  /** A private temp dir, removed at teardown. */
  tempDir(prefix?: string): Promise<TempDir>;
}
