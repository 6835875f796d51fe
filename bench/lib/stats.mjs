// Small statistics helpers shared by the benchmarks.

/** Median, min and max of a list of numbers. */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]), runs: values.map(round) };
}

/** Round to two decimals. */
export function round(n) {
  return Math.round(n * 100) / 100;
}

/** Run `fn` and return its wall time in seconds. */
export async function timed(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** MB/s for `bytes` in `seconds` (MB = 10^6 bytes). */
export function mbps(bytes, seconds) {
  return bytes / 1e6 / seconds;
}
