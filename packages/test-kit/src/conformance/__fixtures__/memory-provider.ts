import {
  AbortedError,
  extractKey,
  InvalidSecretError,
  SecretNotFoundError,
  SecretValue,
  secretFailed,
  secretOk,
  type BuildSecretsError,
  type SecretProvider,
  type SecretRequest,
  type SecretResult,
} from '@buildsecrets/core';

/** Faults the broken variants inject, one per contract promise. */
export interface Faults {
  readonly leakValueInErrors?: boolean;
  readonly reverseOrder?: boolean;
  readonly ignoreAbort?: boolean;
  readonly plainErrors?: boolean;
  readonly emptyIsMissing?: boolean;
  readonly disposeOnce?: boolean;
  readonly sharedStateRace?: boolean;
}

/** An in-memory provider: `store` maps ref → value; `slow` never answers until aborted. */
export function memoryProvider(store: Record<string, string>, faults: Faults = {}): SecretProvider {
  let disposed = false;
  let lastRef = '';
  const fail = (r: SecretRequest, make: (msg: string) => BuildSecretsError, msg: string): SecretResult => {
    if (faults.plainErrors) return { id: r.id, ok: false, error: new Error(msg) as unknown as BuildSecretsError };
    return secretFailed(r.id, make(faults.leakValueInErrors ? `${msg}; store holds ${Object.values(store).join(',')}` : msg));
  };
  const one = async (r: SecretRequest, signal: AbortSignal): Promise<SecretResult> => {
    if (r.ref === 'slow') {
      await new Promise<void>((resolve, reject) => {
        if (faults.ignoreAbort) return;
        if (signal.aborted) return reject(new AbortedError(undefined, { secretId: r.id, provider: 'memory' }));
        signal.addEventListener('abort', () => reject(new AbortedError(undefined, { secretId: r.id, provider: 'memory' })), { once: true });
        void resolve;
      });
    }
    lastRef = r.ref;
    await new Promise((resolve) => setTimeout(resolve, 1));
    const ref = faults.sharedStateRace ? lastRef : r.ref;
    const raw = r.version ? store[`${ref}@${r.version}`] : store[ref];
    const opts = { secretId: r.id, provider: 'memory' };
    if (raw === undefined || (faults.emptyIsMissing && raw === '')) return fail(r, (m) => new SecretNotFoundError(m, opts), `no secret ${r.ref}`);
    if (raw.startsWith('!')) return fail(r, (m) => new InvalidSecretError(m, opts), 'malformed secret');
    try {
      return secretOk(r.id, r.key ? extractKey(SecretValue.from(raw), r.key, opts) : raw);
    } catch (error) {
      return secretFailed(r.id, error as BuildSecretsError);
    }
  };
  return {
    async resolve(requests, signal) {
      const results = await Promise.all(requests.map((r) => one(r, signal)));
      return faults.reverseOrder ? [...results].reverse() : results;
    },
    describe: (r) => `memory:${r.ref}`,
    dispose() {
      if (disposed && faults.disposeOnce) throw new Error('already disposed');
      disposed = true;
    },
  };
}
