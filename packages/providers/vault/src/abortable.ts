import { VaultFailure } from './failure.js';

const abortPromises = new WeakMap<AbortSignal, Promise<never>>();

/**
 * One promise per signal that rejects when it aborts. Every wait races this instead of adding its
 * own listener, so hundreds of concurrent waits on the run's signal add exactly one listener
 * (no MaxListenersExceededWarning, nothing to remove afterwards).
 */
export function whenAborted(signal: AbortSignal): Promise<never> {
  let promise = abortPromises.get(signal);
  if (!promise) {
    promise = new Promise<never>((_, reject) => {
      const fail = () => reject(new VaultFailure('aborted', 'the run was cancelled while waiting for Vault'));
      if (signal.aborted) fail();
      else signal.addEventListener('abort', fail, { once: true });
    });
    promise.catch(() => undefined);
    abortPromises.set(signal, promise);
  }
  return promise;
}

/**
 * Wait for shared work (a login, a deduplicated read) on behalf of one caller: the caller's
 * abort settles its own wait at once without cancelling the work other callers still share.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new VaultFailure('aborted', 'the run was cancelled'));
  return Promise.race([work, whenAborted(signal)]);
}

/** Whether a failure may go away on its own (the resolver retries those). */
export function isTransient(error: unknown): boolean {
  return error instanceof VaultFailure && (error.kind === 'timeout' || (error.kind === 'unavailable' && error.options.retryable !== false));
}
