/**
 * The config's enumerations, in a module of their own without zod: the cross-reference checks and
 * the fast config check (fast-config.ts) use them on every run, while the zod schema (schema.ts) is
 * only built when a config needs it. schema.ts re-exports them.
 */

/** The four ways a secret can reach the build, plus `none` for helper secrets (a key passphrase). */
export const INJECTION_KINDS = ['secret-mount', 'ssh-agent', 'served-file', 'build-arg', 'none'] as const;

/** `build.engine`: `auto` or one engine by name (the adapters' names, see `ENGINE_NAMES`). */
export const ENGINE_CHOICES = ['auto', 'docker-buildx', 'docker-buildkit', 'docker-classic', 'podman', 'buildah'] as const;

/** How a secret reaches the build. */
export type InjectionKind = (typeof INJECTION_KINDS)[number];

/**
 * How a rotated secret invalidates the build cache: `off` (BuildKit keeps serving cached steps),
 * `version` (the provider's version id) or `keyed` (a keyed HMAC of the value).
 */
export const CACHE_MODES = ['off', 'version', 'keyed'] as const;

/** A cache mode (see {@link CACHE_MODES}). */
export type CacheMode = (typeof CACHE_MODES)[number];

/** Secret and provider ids: what a Dockerfile can name in `--mount=type=secret,id=…`. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** A build-arg / environment variable name. */
export const VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A secret fetched from a provider (`from` and `ref` set), as opposed to one rendered from a template. */
export function isFetchedSecret<S extends { readonly from?: string | undefined; readonly ref?: string | undefined }>(config: S): config is S & { readonly from: string; readonly ref: string } {
  return config.from !== undefined && config.ref !== undefined;
}
