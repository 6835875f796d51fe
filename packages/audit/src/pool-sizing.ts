// How many layers the audit searches at once, and how many of them the calling thread takes
// itself: the scanner pool's sizing policy, kept apart from the pool's mechanics (layer-pool.ts).
import { availableParallelism } from 'node:os';

/**
 * How many scanners search layers at once by default: twice the machine's cores, at most 4. More
 * scanners than cores, because each one waits part of the time for zlib, which inflates on libuv's
 * thread pool (4 threads): on 2 cores, 2 scanners kept 1.6–1.7 cores busy and 4 kept 1.9
 * (docs/performance.md, "Audit and redaction", fifth pass).
 */
export function defaultScannerCount(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(4, 2 * cores));
}

/**
 * How many of the `scanners` layers in flight the calling thread searches itself: one thread per
 * two cores is enough, because zlib inflates on libuv's thread pool and a thread's own search
 * costs about a third of the inflating it waits for. On 2 cores that is all of them, so no worker
 * has to start (a cold worker costs 0.1–0.2 s of CPU before it searches at full speed); with more
 * cores the calling thread keeps its share and workers take the rest
 * (docs/performance.md, "Audit and redaction", sixth pass).
 */
export function defaultLocalLayers(scanners: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.ceil(scanners / Math.max(1, Math.ceil(cores / 2))));
}
