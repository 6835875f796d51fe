/** The only path shape served: `/v1/secrets/<id>` with an id as the config schema allows it. */
const SECRET_PATH = /^\/v1\/secrets\/([A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/;

/**
 * The secret id a raw request target names, or undefined when the target is anything else.
 *
 * The raw target is matched as sent, before any decoding: `%`, `?`, `#`, `\`, a second slash and
 * every dot segment fail the pattern, so `..`, `%2e%2e`, `%252e` and friends never reach a lookup.
 * Ids are keys of an in-memory map, never joined into a file path, so this is a second wall, not
 * the only one.
 */
export function secretIdFromTarget(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const match = SECRET_PATH.exec(target);
  const id = match?.[1];
  if (id === undefined || id.includes('..')) return undefined;
  return id;
}
