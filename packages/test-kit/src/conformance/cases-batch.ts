import { assert } from './counted-assert.js';
import type { ProviderCapabilities, SecretRequest, SecretResult } from '@buildsecrets/core';
import { assertFailure, assertShape, assertTypedAndScrubbed, assertValue, settleWithin } from './checks.js';
import type { CaseContext } from './case-context.js';

interface Expected {
  readonly request: SecretRequest;
  readonly check: (result: SecretResult | undefined, what: string) => void;
}

/** A mix of outcomes the seed supports, each with its own check. */
function mixedRequests(ctx: CaseContext, capabilities: ProviderCapabilities, tag: string): Expected[] {
  const { seed } = ctx;
  const found = (id: string): Expected => ({ request: { id, ref: seed.found.ref }, check: (r, w) => assertValue(r, seed.found.value, w) });
  const out: Expected[] = [
    found(`${tag}-a`),
    { request: { id: `${tag}-b`, ref: seed.missing.ref }, check: (r, w) => void assertFailure(r, 'SECRET_NOT_FOUND', seed.canary, w) },
  ];
  const json = seed.json;
  if (capabilities.keys && json) {
    out.push({ request: { id: `${tag}-c`, ref: json.ref, key: json.key }, check: (r, w) => assertValue(r, json.value, w) });
    out.push({ request: { id: `${tag}-d`, ref: json.ref, key: json.missingKey }, check: (r, w) => void assertFailure(r, 'SECRET_NOT_FOUND', seed.canary, w) });
  }
  const empty = seed.empty;
  if (empty) out.push({ request: { id: `${tag}-e`, ref: empty.ref }, check: (r, w) => assertValue(r, '', w) });
  // The same ref twice under different ids: each id gets its own result.
  out.push(found(`${tag}-f`));
  return out;
}

/** Cases about batches and concurrent calls. */
export function registerBatchCases(ctx: CaseContext, capabilities: ProviderCapabilities): void {
  const { test, withProvider, resolveAll, seed, bound } = ctx;

  test('answers a mixed batch with one result per request, in order, ids preserved', () =>
    withProvider(async (p) => {
      const expected = mixedRequests(ctx, capabilities, 'batch');
      const results = await resolveAll(p, expected.map((e) => e.request), 'mixed batch');
      expected.forEach((e, i) => e.check(results[i], `mixed batch, ${e.request.id}`));
    }));

  test('gives correct results to 20 concurrent resolve calls', () =>
    withProvider(async (p) => {
      const pool = mixedRequests(ctx, capabilities, 'c');
      const calls = Array.from({ length: 20 }, (_, i) => {
        const e = pool[i % pool.length]!;
        return { ...e, request: { ...e.request, id: `${e.request.id}-${i}` } };
      });
      const all = Promise.all(calls.map((c) => p.resolve([c.request], new AbortController().signal)));
      const outcome = await settleWithin(all, bound, '20 concurrent calls');
      if (outcome.kind === 'error') {
        assertTypedAndScrubbed(outcome.error, seed.canary, 'concurrent calls');
        assert.fail(`concurrent calls: a resolve threw ${outcome.error.code}: ${outcome.error.message}`);
      }
      outcome.value.forEach((results, i) => {
        const call = calls[i]!;
        assertShape(results, [call.request], `concurrent call ${i}`);
        call.check(results[0], `concurrent call ${i} (${call.request.id})`);
      });
    }));
}
