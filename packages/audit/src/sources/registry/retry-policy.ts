/**
 * Retries for registry requests: only failures that may pass (429, 5xx, a dropped or silent
 * connection), exponential backoff with jitter, and a server's `Retry-After` honoured up to a cap —
 * a registry asking for longer than the cap gets an error now instead of a long wait.
 */
import { AbortedError, RegistryUnavailableError, TimeoutError } from './registry-errors.js';

/** How hard to try. */
export interface RetryPolicy {
  /** Attempts after the first (default 4). */
  readonly retries: number;
  /** First backoff (default 250 ms); doubles each time. */
  readonly baseDelayMs: number;
  /** Longest backoff and longest `Retry-After` honoured (default 30 s). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 30_000 };

/** A retryable failure carrying the server's wish, in ms. */
export class RetryAfter extends RegistryUnavailableError {
  constructor(
    message: string,
    status: number,
    /** Parsed `Retry-After`, in milliseconds. */
    readonly delayMs: number | undefined,
  ) {
    super(message, { status });
  }
}

/** `Retry-After: <seconds>` or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** True for the errors worth another attempt. */
export function isRetryable(err: unknown): boolean {
  return (err instanceof RegistryUnavailableError && err.retryable) || err instanceof TimeoutError;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError('the registry request was cancelled'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError('the registry request was cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Run `attempt` until it succeeds, fails for good, or the retries run out (the last error is thrown). */
export async function withRetries<T>(policy: RetryPolicy, signal: AbortSignal, attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isRetryable(err) || n >= policy.retries || signal.aborted) throw err;
      const wanted = err instanceof RetryAfter ? err.delayMs : undefined;
      if (wanted !== undefined && wanted > policy.maxDelayMs) throw err;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n) * (0.5 + Math.random() / 2);
      await sleep(wanted ?? backoff, signal);
    }
  }
}
