import { assert } from './counted-assert.js';
import type { SecretRequest } from '@buildsecrets/core';
import { assertShape, assertTypedAndScrubbed, settleWithin } from './checks.js';
import type { CaseContext } from './case-context.js';

/** Cases about cancellation, error hygiene and disposal. */
export function registerLifecycleCases(ctx: CaseContext): void {
  const { test, withProvider, resolveAll, seed, bound } = ctx;

  test('settles promptly when the signal is already aborted', () =>
    withProvider(async (p) => {
      const requests: SecretRequest[] = [{ id: 'pre-aborted', ref: seed.slow?.ref ?? seed.found.ref }];
      const outcome = await settleWithin(p.resolve(requests, AbortSignal.abort()), bound, 'resolve with an aborted signal');
      if (outcome.kind === 'error') {
        assertTypedAndScrubbed(outcome.error, seed.canary, 'pre-aborted');
        return;
      }
      assertShape(outcome.value, requests, 'pre-aborted');
      if (seed.slow) assert.ok(!outcome.value[0]!.ok, 'pre-aborted: a slow secret must not yield a value after abort');
    }));

  test('settles promptly when aborted mid-flight', () =>
    withProvider(async (p) => {
      const controller = new AbortController();
      const requests: SecretRequest[] = [{ id: 'mid-flight', ref: seed.slow?.ref ?? seed.found.ref }];
      const call = p.resolve(requests, controller.signal);
      setTimeout(() => controller.abort(), 20);
      const outcome = await settleWithin(call, bound, 'resolve aborted mid-flight');
      if (outcome.kind === 'error') {
        assertTypedAndScrubbed(outcome.error, seed.canary, 'mid-flight abort');
        return;
      }
      assertShape(outcome.value, requests, 'mid-flight abort');
      const [r] = outcome.value;
      if (!r!.ok) assertTypedAndScrubbed(r!.error, seed.canary, 'mid-flight abort');
      else if (seed.slow) assert.fail('mid-flight abort: a slow secret must not yield a value after abort');
    }));

  test('produces only typed errors that never contain a value', () =>
    withProvider(async (p) => {
      const requests: SecretRequest[] = [
        { id: 'scrub-missing', ref: seed.missing.ref },
        ...(seed.json ? [{ id: 'scrub-missing-key', ref: seed.json.ref, key: seed.json.missingKey }] : []),
        ...(seed.invalid ?? []).map((inv, i) => ({ id: `scrub-invalid-${i}`, ...inv })),
      ];
      const results = await resolveAll(p, requests, 'error hygiene');
      results.forEach((r, i) => {
        const what = `error hygiene, ${requests[i]!.id}`;
        assert.ok(!r.ok, `${what}: expected an error, got a value`);
        assertTypedAndScrubbed(r.error, seed.canary, what);
        assert.equal(r.error.secretId, r.id, `${what}: the error must name the secret id`);
      });
    }));

  test('describe() shows no value', () =>
    withProvider(async (p) => {
      // Resolve first so a provider that caches values would have them at hand.
      await resolveAll(p, [{ id: 'describe', ref: seed.found.ref }], 'describe');
      const text = p.describe?.({ id: 'describe', ref: seed.found.ref }) ?? '';
      assert.equal(typeof text, 'string', 'describe() must return a string');
      assert.ok(!text.includes(seed.canary), 'describe() shows the canary value');
    }));

  test('dispose() is idempotent', async () => {
    const provider = await ctx.create();
    try {
      await resolveAll(provider, [{ id: 'dispose', ref: seed.found.ref }], 'before dispose');
    } catch (error) {
      await Promise.resolve().then(() => provider.dispose()).catch(() => undefined);
      throw error;
    }
    for (const round of ['first', 'second']) {
      const outcome = await settleWithin(Promise.resolve().then(() => provider.dispose()), bound, `${round} dispose()`);
      if (outcome.kind === 'error') assert.fail(`${round} dispose() threw`);
    }
  });
}
