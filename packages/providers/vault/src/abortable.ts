import { VaultFailure } from './failure.js';

/**
 * Wait for shared work (a login, a deduplicated read) on behalf of one caller: the caller's
 * abort settles its own wait at once without cancelling the work other callers still share.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new VaultFailure('aborted', 'the run was cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new VaultFailure('aborted', 'the run was cancelled while waiting for Vault'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Whether a failure may go away on its own (the resolver retries those). */
export function isTransient(error: unknown): boolean {
  return error instanceof VaultFailure && (error.kind === 'timeout' || (error.kind === 'unavailable' && error.options.retryable !== false));
}
