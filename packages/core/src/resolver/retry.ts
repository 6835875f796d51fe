import { isBuildSecretsError } from '../errors/index.js';
import type { RetryOptions } from '../provider/types.js';
import { backoffDelay, sleep } from './backoff.js';

/**
 * Run `fn`, retrying while it throws a retryable buildsecrets error. Anything else (and the last
 * retryable failure) is rethrown unchanged. Offered to providers as `context.retry`.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const retryable = isBuildSecretsError(err) && err.retryable;
      if (!retryable || attempt + 1 >= attempts || options.signal?.aborted) throw err;
      await sleep(backoffDelay(attempt, options.baseDelayMs ?? 100, options.maxDelayMs ?? 2000), options.signal);
    }
  }
}
