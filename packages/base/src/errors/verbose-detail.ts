const DETAIL = Symbol.for('buildsecrets.verboseDetail');

/**
 * Attach text meant only for `--verbose` output (for instance the key names of a JSON secret,
 * which say something about its content). It is neither in the message nor in `toJSON()`.
 */
export function withVerboseDetail<E extends Error>(error: E, detail: string): E {
  Object.defineProperty(error, DETAIL, { value: detail, enumerable: false });
  return error;
}

/** Every verbose-only detail on `error` and on the per-secret errors it aggregates (`failures`). */
export function verboseDetails(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const own: unknown = Reflect.get(error, DETAIL);
  const failures: unknown = Reflect.get(error, 'failures');
  const nested = Array.isArray(failures) ? failures.flatMap((f: unknown) => (typeof f === 'object' && f !== null ? verboseDetails(Reflect.get(f, 'error')).map((d) => `${String(Reflect.get(f, 'secretId'))}: ${d}`) : [])) : [];
  return [...(typeof own === 'string' ? [own] : []), ...nested];
}
