import type { z } from 'zod';
import type { BuildSecretsError } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import type { SecretValue } from '../secret-value.js';

/**
 * One secret a provider is asked for.
 *
 * @example
 * ```ts
 * const request: SecretRequest = { id: 'npm_token', ref: 'secret/ci/npm', key: 'token' };
 * ```
 */
export interface SecretRequest {
  /** The secret id (what the Dockerfile mounts); used in errors, never sent to the backend. */
  readonly id: string;
  /** The provider's own address of the secret: a variable name, a file name, a Vault path, an ARN. */
  readonly ref: string;
  /** A field to pick out of a JSON / key-value secret. Keys containing dots are matched literally first. */
  readonly key?: string;
  /** A version pin, in the provider's own syntax. */
  readonly version?: string;
}

/**
 * The outcome for one {@link SecretRequest}: a value or a typed error, never both.
 *
 * A provider that declares {@link ProviderCapabilities.versionIds} also sets `versionId` on each
 * value: its own **non-secret** identifier of the version it served (an AWS `VersionId`, a GCP
 * version name, a Vault KV v2 path and `metadata.version`). `cache: version` passes it to the
 * build as a cache rev, so it lands in image history: it must never be derived from the value, and
 * it must change whenever the value served for this request can change (include the path when
 * version numbers only count per path). Optional and additive: `apiVersion` stays 1.
 */
export type SecretResult =
  | { readonly id: string; readonly ok: true; readonly value: SecretValue; readonly versionId?: string }
  | { readonly id: string; readonly ok: false; readonly error: BuildSecretsError };

/** A live provider instance, created once per run by {@link ProviderDefinition.create}. */
export interface SecretProvider {
  /**
   * Resolve a batch of requests. Must return exactly one result per request, in the same order.
   * Per-secret failures are results with `ok: false`; throwing fails the whole batch.
   * Must stop promptly when `signal` aborts.
   */
  resolve(requests: readonly SecretRequest[], signal: AbortSignal): Promise<readonly SecretResult[]>;
  /** A human description of where a request points, for `plan` (fetches nothing, shows no value). */
  describe?(request: SecretRequest): string;
  /** Release clients, timers and sockets. Must be idempotent. */
  dispose(): Promise<void> | void;
}

/** What a provider supports; the resolver and `plan` use it to validate config and group requests. */
export interface ProviderCapabilities {
  /** Resolves many requests in fewer backend calls; the resolver then sends whole groups. */
  readonly batch?: boolean;
  /** The largest group the provider wants in one `resolve` call (default: unlimited). */
  readonly maxBatchSize?: number;
  /** Accepts `version` pins. A `version` on a provider without it is a config error. */
  readonly versions?: boolean;
  /** Accepts `key` to pick a field out of a structured secret. */
  readonly keys?: boolean;
  /** Can return binary (non-UTF-8) values. */
  readonly binary?: boolean;
  /**
   * Sets `versionId` on its results (a non-secret version identifier), so secrets it serves can
   * use `cache: version`. Without it, `cache: version` on its secrets is a config error.
   */
  readonly versionIds?: boolean;
}

/** A directory made for the run; removed (contents overwritten first) at teardown. */
export interface TempDir {
  /** Absolute path of the directory (mode 0700). */
  readonly path: string;
  /** Remove it now (idempotent). Teardown removes it anyway. */
  remove(): Promise<void>;
}

/** Options for {@link ProviderContext.retry}. */
export interface RetryOptions {
  /** Attempts in total, including the first (default 3). */
  readonly attempts?: number;
  /** First backoff in milliseconds (default 100); doubles each attempt, with full jitter. */
  readonly baseDelayMs?: number;
  /** Largest backoff in milliseconds (default 2000). */
  readonly maxDelayMs?: number;
  /** Abort the waiting between attempts. */
  readonly signal?: AbortSignal;
}

/**
 * What a provider receives from the run. Plugins never receive the DI container: this is the
 * whole surface, so it can stay stable across core versions with the same `apiVersion`.
 */
export interface ProviderContext {
  /** The provider instance name from the config (`providers.<name>`); use it in error messages. */
  readonly instanceName: string;
  /** A logger that redacts every registered secret value. Never log provider options. */
  readonly logger: Logger;
  /** Aborted when the run is cancelled (SIGINT/SIGTERM, caller abort, deadline). */
  readonly signal: AbortSignal;
  /** Epoch milliseconds by which every resolution must be done. */
  readonly deadline: number;
  /** The directory of the config file (or the working directory); resolve relative paths against it. */
  readonly baseDir: string;
  /** The environment the run sees (not necessarily `process.env` in tests). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Make a private 0700 directory, preferring tmpfs; removed at teardown. */
  tempDir(prefix?: string): Promise<TempDir>;
  /** Retry `fn` while it throws a retryable buildsecrets error, with exponential backoff and jitter. */
  retry<T>(fn: (attempt: number) => Promise<T>, options?: RetryOptions): Promise<T>;
  /**
   * Register a value that is not itself a resolved secret but must never be printed
   * (a login token, an interpolated credential).
   */
  registerSensitive(label: string, value: string | Uint8Array): void;
}

/**
 * A provider plugin: what `defineProvider` returns and what a plugin package exports as default.
 *
 * @typeParam Options - the parsed options type, as produced by `optionsSchema`.
 */
export interface ProviderDefinition<Options = unknown> {
  /** The plugin contract version. Only `1` exists; see docs/plugins.md for the policy. */
  readonly apiVersion: 1;
  /** Short, kebab-case name (`vault`, `aws`, `pass`). */
  readonly name: string;
  /** One line for `plan` and help output. */
  readonly description?: string;
  /**
   * Validates `providers.<name>.options`. Issues are reported with their path, values never echoed.
   * May be a getter that builds the schema on first use (see {@link lazyOptionsSchema}), so that
   * importing a plugin does not build zod schemas.
   */
  readonly optionsSchema: z.ZodType<Options>;
  /**
   * Optional, for start-up time: a hand-written check of the usual option shapes, tried before
   * `optionsSchema`. It returns exactly what `optionsSchema` would return for `options`, or
   * `undefined` when it is not sure — then `optionsSchema` decides and words any problem. Lets
   * commands that only read the config (`plan`) skip building the zod schema. It must never
   * accept what `optionsSchema` rejects (the built-ins prove this with a property test).
   */
  parseOptionsFast?(options: Readonly<Record<string, unknown>>): Options | undefined;
  /** What the provider supports. */
  readonly capabilities: ProviderCapabilities;
  /** Make a provider instance for one run. Import vendor SDKs here, lazily, not at module top level. */
  create(options: Options, context: ProviderContext): SecretProvider | Promise<SecretProvider>;
  /**
   * Where a request points, in the provider's own words (`environment variable NPM_TOKEN`, `file
   * /run/secrets/api_key`), for `buildsecrets plan`. Static: `plan` instantiates nothing, so it calls
   * this with the parsed options instead of {@link SecretProvider.describe}. Must not fetch anything
   * or touch the network, and never shows a value.
   */
  describeRef?(request: SecretRequest, options: Options): string;
}

/**
 * Any provider definition, whatever its options type (for registries and loaders). `create` is a
 * method, so its parameter is checked bivariantly and every `ProviderDefinition<O>` fits here.
 */
export type AnyProviderDefinition = ProviderDefinition<unknown>;
