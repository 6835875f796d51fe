/** Every cache rev build-arg starts with this; the Dockerfile declares `ARG <prefix><ID>` before the RUN. */
export const CACHE_REV_ARG_PREFIX = 'BUILDSECRETS_REV_';

/**
 * The build-arg that carries a secret's cache rev: `BUILDSECRETS_REV_` and the id upper-cased,
 * every character outside A–Z and 0–9 turned into `_` (`npm-token.v2` → `BUILDSECRETS_REV_NPM_TOKEN_V2`).
 * Two ids can map to one name (`a.b`, `a_b`); the config check refuses that for cached secrets.
 *
 * @example
 * ```ts
 * cacheRevArgName('npm_token'); // 'BUILDSECRETS_REV_NPM_TOKEN'
 * ```
 */
export function cacheRevArgName(secretId: string): string {
  return `${CACHE_REV_ARG_PREFIX}${secretId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Whether an ARG name is a cache rev (not a secret: `plan` does not warn about it, the audit does not search it). */
export function isCacheRevArg(name: string): boolean {
  return name.startsWith(CACHE_REV_ARG_PREFIX);
}
