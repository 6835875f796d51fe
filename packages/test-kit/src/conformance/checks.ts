import { assert } from './counted-assert.js';
import { inspect } from 'node:util';
import { BuildSecretsError, type SecretRequest, type SecretResult, type SecretValue } from '@buildsecrets/core';

/** How a call ended: its value, its rejection, or neither within the bound. */
export type Settled<T> = { readonly kind: 'value'; readonly value: T } | { readonly kind: 'error'; readonly error: unknown };

/** Wait for `promise` at most `ms`; fail the case (instead of hanging the runner) when it does not settle. */
export async function settleWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    const outcome = await Promise.race([
      promise.then((value): Settled<T> => ({ kind: 'value', value }), (error: unknown): Settled<T> => ({ kind: 'error', error })),
      bound,
    ]);
    if (outcome === 'timeout') assert.fail(`${what} did not settle within ${ms} ms`);
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** Every text an error shows: message, stack, inspection and JSON, down its `cause` chain. */
function textsOf(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    if (typeof current !== 'object') {
      texts.push(String(current));
      break;
    }
    const e = current as { message?: unknown; stack?: unknown; cause?: unknown };
    texts.push(String(e.message ?? ''), String(e.stack ?? ''), inspect(current, { depth: 5 }));
    try {
      texts.push(JSON.stringify(current) ?? '');
    } catch {
      // A circular error cannot be JSON-encoded; inspect above already covered it.
    }
    current = e.cause;
  }
  return texts;
}

/** Assert `error` is a buildsecrets error whose texts never contain the canary (raw or base64). */
export function assertTypedAndScrubbed(error: unknown, canary: string, what: string): asserts error is BuildSecretsError {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : typeof error;
  assert.ok(error instanceof BuildSecretsError, `${what}: expected a BuildSecretsError, got ${String(name)}`);
  const needles = [canary, Buffer.from(canary, 'utf8').toString('base64')];
  for (const text of textsOf(error)) {
    for (const needle of needles) assert.ok(!text.includes(needle), `${what}: the canary value appears in the error (${error.code})`);
  }
}

/** Assert the batch answer has one result per request, in order, with the request ids. */
export function assertShape(results: readonly SecretResult[], requests: readonly SecretRequest[], what: string): void {
  assert.ok(Array.isArray(results), `${what}: resolve must return an array`);
  assert.equal(results.length, requests.length, `${what}: expected one result per request`);
  results.forEach((r, i) => assert.equal(r.id, requests[i]!.id, `${what}: result ${i} has the wrong id (order or ids not preserved)`));
}

/** Assert a result holds exactly `expected` and return nothing else about it. */
export function assertValue(result: SecretResult | undefined, expected: string | Uint8Array, what: string): void {
  assert.ok(result, `${what}: no result`);
  if (!result.ok) assert.fail(`${what}: expected a value, got ${result.error.code}: ${result.error.message}`);
  const value: SecretValue = result.value;
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : Buffer.from(expected);
  // Compare bytes without printing them: a failure message must not show the secret either.
  assert.ok(value.equals(want), `${what}: the value differs from the seeded bytes (got ${value.length} bytes, want ${want.length})`);
}

/** Assert a result is a failure with `code`, naming the request's secret id; returns the error. */
export function assertFailure(result: SecretResult | undefined, code: string, canary: string, what: string): BuildSecretsError {
  assert.ok(result, `${what}: no result`);
  if (result.ok) assert.fail(`${what}: expected ${code}, got a value`);
  assertTypedAndScrubbed(result.error, canary, what);
  assert.equal(result.error.code, code, `${what}: expected ${code}, got ${result.error.code}: ${result.error.message}`);
  assert.equal(result.error.secretId, result.id, `${what}: the error must name the secret id`);
  return result.error;
}
