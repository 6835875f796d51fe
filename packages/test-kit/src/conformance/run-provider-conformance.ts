import { makeCaseContext } from './case-context.js';
import { registerBatchCases } from './cases-batch.js';
import { registerLifecycleCases } from './cases-lifecycle.js';
import { registerValueCases } from './cases-values.js';
import type { ConformanceOptions } from './types.js';

/**
 * Register the provider conformance cases with your test runner. Each case creates a fresh
 * provider, checks one promise of the `SecretProvider` contract against
 * the fixtures in `seed`, and disposes the provider. Assertions use `node:assert/strict`, so it
 * works with vitest, jest and `node:test` alike; every wait is bounded by `boundMs`.
 *
 * Cases: found (exact bytes); missing → `SecretNotFoundError` naming the id; empty → an empty
 * value; `key` extraction and a missing key (with `capabilities.keys`); a pinned version (with
 * `capabilities.versions`); a mixed batch (one result per request, in order); 20 concurrent
 * calls; an already-aborted and a mid-flight abort settle promptly; every error is a
 * `BuildSecretsError` whose message, stack and `cause` chain never hold the canary;
 * `describe()` shows no value; `dispose()` twice does not throw.
 *
 * @example
 * ```ts
 * import { it } from 'vitest';
 * import { runProviderConformance } from '@buildsecrets/test-kit';
 * runProviderConformance({ it, create: () => provider.create(options, context), seed, capabilities: provider.capabilities });
 * ```
 */
export function runProviderConformance(options: ConformanceOptions): void {
  const ctx = makeCaseContext(options);
  const capabilities = options.capabilities ?? {};
  registerValueCases(ctx, capabilities);
  registerBatchCases(ctx, capabilities);
  registerLifecycleCases(ctx);
}
