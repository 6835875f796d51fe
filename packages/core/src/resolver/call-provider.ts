import { AbortedError, BuildSecretsError, ProviderUnavailableError, TimeoutError, isBuildSecretsError } from '../errors/index.js';
import type { SecretRequest, SecretResult } from '../provider/types.js';
import { SecretValue } from '../secret-value.js';
import type { ProviderHandle } from './types.js';

/** Why a call was cut short, so each request gets the right typed error. */
export interface CallSignals {
  /** The caller's cancellation (SIGINT, library abort). */
  readonly user?: AbortSignal;
  /** The overall resolution deadline. */
  readonly deadline: AbortSignal;
  /** Per-request timeout in ms. */
  readonly timeoutMs: number;
  /** Overall deadline in ms, for messages. */
  readonly deadlineMs: number;
}

function failAll(requests: readonly SecretRequest[], error: (r: SecretRequest) => BuildSecretsError): SecretResult[] {
  return requests.map((r) => ({ id: r.id, ok: false as const, error: error(r) }));
}

/** A provider's results must be one per request, same order, each a value or a typed error. Anything else is its bug, reported as such. */
function checkShape(handle: ProviderHandle, requests: readonly SecretRequest[], results: unknown): SecretResult[] {
  const broken = (why: string): SecretResult[] =>
    failAll(requests, (r) => new BuildSecretsError('INTERNAL', `provider broke the contract: ${why}`, { secretId: r.id, provider: handle.name, hint: 'report this to the provider plugin author' }));
  if (!Array.isArray(results)) return broken('resolve() did not return an array');
  if (results.length !== requests.length) return broken(`resolve() returned ${results.length} results for ${requests.length} requests`);
  return requests.map((request, i) => {
    const result = results[i] as Partial<{ id: unknown; ok: unknown; value: unknown; error: unknown; versionId: unknown }> | undefined;
    if (!result || result.id !== request.id) return broken(`result ${i} is not for request "${request.id}"`)[i]!;
    if (result.ok === true && result.value instanceof SecretValue) {
      // Only a string is a version id; `cache: version` checks its shape before it reaches a build.
      return { id: request.id, ok: true as const, value: result.value, ...(typeof result.versionId === 'string' ? { versionId: result.versionId } : {}) };
    }
    if (result.ok === false && isBuildSecretsError(result.error)) return { id: request.id, ok: false as const, error: result.error };
    return broken(`result for "${request.id}" is neither a SecretValue nor a buildsecrets error`)[i]!;
  });
}

/**
 * Call `provider.resolve` for one group of requests with a per-call timeout, and never wait longer
 * than the timeout even if the provider ignores its signal. Never throws except on user abort.
 */
export async function callProvider(handle: ProviderHandle, requests: readonly SecretRequest[], signals: CallSignals): Promise<SecretResult[]> {
  const timeout = AbortSignal.timeout(signals.timeoutMs);
  const combined = AbortSignal.any([timeout, signals.deadline, ...(signals.user ? [signals.user] : [])]);
  const onAbort = (): SecretResult[] => {
    if (signals.user?.aborted) throw new AbortedError();
    if (signals.deadline.aborted) {
      return failAll(requests, (r) => new TimeoutError(`resolution deadline of ${signals.deadlineMs} ms exceeded`, { secretId: r.id, provider: handle.name, retryable: false, hint: 'raise resolve.deadlineMs or check the provider latency' }));
    }
    return failAll(requests, (r) => new TimeoutError(`no answer within ${signals.timeoutMs} ms`, { secretId: r.id, provider: handle.name, hint: 'check connectivity to the provider, or raise resolve.timeoutMs' }));
  };
  if (combined.aborted) return onAbort();
  let stop: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    stop = () => resolve('aborted');
    combined.addEventListener('abort', stop, { once: true });
  });
  try {
    const outcome = await Promise.race([handle.provider.resolve(requests, combined), aborted]);
    if (outcome === 'aborted') return onAbort();
    return checkShape(handle, requests, outcome);
  } catch (err) {
    if (combined.aborted) return onAbort();
    const error = isBuildSecretsError(err)
      ? err
      : new ProviderUnavailableError('the provider failed unexpectedly', { provider: handle.name, cause: err, retryable: false });
    // A throw fails the whole group; the aggregate error names each secret id itself.
    return failAll(requests, () => error);
  } finally {
    if (stop) combined.removeEventListener('abort', stop);
  }
}
