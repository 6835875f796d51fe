/**
 * Phase timestamps for finding where a build spends its time: with `BUILDSECRETS_PROFILE=1` in the
 * environment, each mark writes one line to stderr — milliseconds since the process started (Node's
 * `performance.timeOrigin`, so the CLI's own start-up is counted too) and the phase name. Off, a mark
 * costs one boolean test. Lines carry phase names only, never a value or an argument.
 */
const enabled = process.env['BUILDSECRETS_PROFILE'] === '1';

/**
 * Record that `phase` was reached (see the module comment).
 *
 * @example
 * ```ts
 * profileMark('resolve: done');
 * ```
 */
export function profileMark(phase: string): void {
  if (enabled) process.stderr.write(`[profile] ${performance.now().toFixed(1).padStart(8)} ms  ${phase}\n`);
}

/**
 * Start `work`, marking its start and its end (whether it succeeds or fails); returns its promise.
 *
 * @example
 * ```ts
 * const values = await profiled('resolve', () => resolveAll());
 * ```
 */
export function profiled<T>(phase: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  profileMark(`${phase}: start`);
  return work().finally(() => profileMark(`${phase}: end`));
}
