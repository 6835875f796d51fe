import { assert, checksMade } from './counted-assert.js';
import type { SecretProvider, SecretRequest, SecretResult } from '@buildsecrets/core';
import { assertShape, assertTypedAndScrubbed, settleWithin } from './checks.js';
import type { ConformanceOptions, ConformanceSeed } from './types.js';

/** What every group of cases receives from the runner. */
export interface CaseContext {
  readonly seed: ConformanceSeed;
  readonly bound: number;
  /** Register one case under the suite's prefix. */
  readonly test: (name: string, fn: () => Promise<void>) => void;
  /** Make a fresh provider (bounded); the caller disposes it. */
  readonly create: () => Promise<SecretProvider>;
  /** Run `fn` with a fresh provider, disposing it afterwards (also when `fn` fails). */
  readonly withProvider: (fn: (provider: SecretProvider) => Promise<void>) => Promise<void>;
  /** Resolve a batch that must settle within the bound and must not throw; checks the shape. */
  readonly resolveAll: (provider: SecretProvider, requests: readonly SecretRequest[], what: string, signal?: AbortSignal) => Promise<readonly SecretResult[]>;
}

/** Build the {@link CaseContext} for one suite run. */
export function makeCaseContext(options: ConformanceOptions): CaseContext {
  const bound = options.boundMs ?? 5000;
  const prefix = options.name ?? 'provider conformance';
  const { seed } = options;

  const create = async (): Promise<SecretProvider> => {
    const made = await settleWithin(Promise.resolve().then(() => options.create()), bound, 'create()');
    if (made.kind === 'error') throw made.error;
    return made.value;
  };

  const withProvider = async (fn: (provider: SecretProvider) => Promise<void>): Promise<void> => {
    const provider = await create();
    try {
      await fn(provider);
    } finally {
      await settleWithin(Promise.resolve().then(() => provider.dispose()), bound, 'dispose()');
    }
  };

  const resolveAll: CaseContext['resolveAll'] = async (provider, requests, what, signal) => {
    const outcome = await settleWithin(provider.resolve(requests, signal ?? new AbortController().signal), bound, what);
    if (outcome.kind === 'error') {
      assertTypedAndScrubbed(outcome.error, seed.canary, what);
      assert.fail(`${what}: resolve threw ${outcome.error.code} (${outcome.error.message}); per-secret failures must be results, not a rejection`);
    }
    assertShape(outcome.value, requests, what);
    return outcome.value;
  };

  return {
    seed,
    bound,
    test: (name, fn) => {
      const expect = options.expect;
      if (expect === undefined) {
        options.it(`${prefix}: ${name}`, fn);
        return;
      }
      // Tell the runner's expect how the case went: a case that made no check fails here.
      options.it(`${prefix}: ${name}`, async () => {
        const before = checksMade();
        await fn();
        expect(checksMade() > before ? 'checked' : 'made no check').toBe('checked');
      });
    },
    create,
    withProvider,
    resolveAll,
  };
}
