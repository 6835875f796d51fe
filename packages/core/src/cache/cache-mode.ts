import type { BuildConfig, CacheMode, InjectionKind, SecretConfig } from '../config/schema.js';

/**
 * The injection kinds a cache rev makes sense for: the ones a RUN mounts (`--mount=type=secret`,
 * `--mount=type=ssh`). A build-arg's value already keys the cache, a served-file step declares a
 * one-time token ARG and so re-runs every build, and `inject: none` never reaches a step.
 */
export const CACHEABLE_KINDS: readonly InjectionKind[] = ['secret-mount', 'ssh-agent'];

/** One secret whose steps are re-run when it rotates. */
export interface CachedSecret {
  /** The secret id. */
  readonly id: string;
  /** Its config entry. */
  readonly config: SecretConfig;
  /** `version` or `keyed`. */
  readonly mode: Exclude<CacheMode, 'off'>;
}

/** A secret's cache mode: its own `cache`, else `build.cache` when its kind is cacheable, else `off`. */
export function cacheModeOf(secret: Pick<SecretConfig, 'cache' | 'inject'>, build: Pick<BuildConfig, 'cache'> | undefined): CacheMode {
  if (secret.cache !== undefined) return secret.cache;
  return CACHEABLE_KINDS.includes(secret.inject) ? (build?.cache ?? 'off') : 'off';
}

/** Every secret with a cache mode other than `off`, in config order. */
export function cachedSecrets(secrets: Readonly<Record<string, SecretConfig>>, build: Pick<BuildConfig, 'cache'> | undefined): CachedSecret[] {
  const out: CachedSecret[] = [];
  for (const [id, config] of Object.entries(secrets)) {
    const mode = cacheModeOf(config, build);
    if (mode !== 'off') out.push({ id, config, mode });
  }
  return out;
}
