import type { Worker } from 'node:worker_threads';

/** How long an idle scanning worker is kept for the next audit in the same process. */
export const PARK_MS = 5_000;

interface Parked {
  readonly thread: Worker;
  readonly key: string;
  timer?: NodeJS.Timeout;
}

const parked: Parked[] = [];
const POOL_EVENTS = ['message', 'error', 'exit'] as const;

function drop(entry: Parked): void {
  const i = parked.indexOf(entry);
  if (i >= 0) parked.splice(i, 1);
  if (entry.timer) clearTimeout(entry.timer);
}

/**
 * Keep an idle scanning worker for the next pool started with the same entry (`key`): a worker
 * that has run an audit has its code loaded and optimised, where a new one starts cold. It is
 * unref'd (it never keeps the process alive) and ends after {@link PARK_MS} unused.
 */
export function park(thread: Worker, key: string): void {
  for (const event of POOL_EVENTS) thread.removeAllListeners(event);
  const entry: Parked = { thread, key };
  thread.once('exit', () => drop(entry));
  // A parked worker that fails is simply gone; the next pool starts a new one.
  thread.on('error', () => drop(entry));
  entry.timer = setTimeout(() => {
    drop(entry);
    void thread.terminate();
  }, PARK_MS);
  entry.timer.unref();
  thread.unref();
  parked.push(entry);
}

/** A parked worker for `key`, ref'd again and with no listeners, or undefined. */
export function unpark(key: string): Worker | undefined {
  const entry = parked.find((p) => p.key === key);
  if (!entry) return undefined;
  drop(entry);
  for (const event of POOL_EVENTS) entry.thread.removeAllListeners(event);
  entry.thread.ref();
  return entry.thread;
}
