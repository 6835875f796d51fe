// Percentiles and "x (min a, max b)" formatting for the benchmarks.

/** The p-th percentile (0–100) of a list, nearest-rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** `median (min, max)` of a summary() result, with a unit. */
export function fmt(s, unit = '') {
  return `${s.median}${unit} (min ${s.min}${unit}, max ${s.max}${unit})`;
}

/** met / NOT MET for a figure against a target. */
export function verdict(ok) {
  return ok ? 'met' : 'NOT MET';
}
