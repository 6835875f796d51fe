import { describe, expect, it } from 'vitest';
import { memoryProvider, type Faults } from './__fixtures__/memory-provider.js';
import { makeCaseContext } from './case-context.js';
import { runProviderConformance } from './run-provider-conformance.js';
import type { ConformanceIt, ConformanceSeed } from './types.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

// Compile-time proof that the runners' own `it` functions fit (checked by tsc, not at run time).
type Fits<T extends ConformanceIt> = T;
export type NodeTestItFits = Fits<typeof import('node:test').it>;
export type VitestItFits = Fits<typeof it>;

const CANARY = makeCanary('7f3a9c-do-not-leak');
const store: Record<string, string> = {
  db: `pw-${CANARY}`,
  empty: '',
  json: JSON.stringify({ user: 'app', password: CANARY, nested: { token: 't0k' } }),
  'json@v1': 'old-value',
  bad: `!${CANARY}`,
};
const seed: ConformanceSeed = {
  found: { ref: 'db', value: `pw-${CANARY}` },
  missing: { ref: 'nope' },
  empty: { ref: 'empty' },
  json: { ref: 'json', key: 'nested.token', value: 't0k', missingKey: 'port' },
  versioned: { ref: 'json', version: 'v1', value: 'old-value' },
  invalid: [{ ref: 'bad' }, { ref: 'db', key: 'x' }],
  slow: { ref: 'slow' },
  canary: CANARY,
};
const capabilities = { keys: true, versions: true };

/** Run the suite against a provider with `faults`, collecting which cases fail instead of reporting them. */
async function failingCases(faults: Faults): Promise<string[]> {
  const cases: { name: string; fn: () => Promise<void> }[] = [];
  runProviderConformance({ it: (name, fn) => void cases.push({ name, fn }), create: () => memoryProvider(store, faults), seed, capabilities, name: 'c', boundMs: 300 });
  const failed: string[] = [];
  for (const c of cases) await c.fn().catch(() => failed.push(c.name.replace(/^c: /, '')));
  return failed;
}

describe('runProviderConformance against a correct in-memory provider', () => {
  runProviderConformance({ it, expect, create: () => memoryProvider(store), seed, capabilities, name: 'memory' });
});

describe('runProviderConformance with the runner’s expect (for expect.requireAssertions)', () => {
  it('every case reports through expect that it made a check; a case that makes none reports that', async () => {
    const reported: unknown[] = [];
    const recordingExpect = (actual: unknown) => ({ toBe: () => void reported.push(actual), toEqual: () => void reported.push(actual) });
    const cases: (() => Promise<void>)[] = [];
    runProviderConformance({ it: (_name, fn) => void cases.push(fn), expect: recordingExpect, create: () => memoryProvider(store), seed, capabilities, name: 'c' });
    for (const fn of cases) await fn();
    expect(reported).toEqual(cases.map(() => 'checked'));

    const empty = makeCaseContext({ it: (_name, fn) => void cases.push(fn), expect: recordingExpect, create: () => memoryProvider(store), seed });
    empty.test('checks nothing', async () => {});
    await cases.at(-1)!();
    expect(reported.at(-1)).toBe('made no check');
  });
});

describe('runProviderConformance catches broken providers', () => {
  it('passes every case for the correct provider', async () => {
    expect(await failingCases({})).toEqual([]);
  });

  it('fails the hygiene cases when an error quotes a value', async () => {
    const failed = await failingCases({ leakValueInErrors: true });
    expect(failed).toContain('produces only typed errors that never contain a value');
    expect(failed).toContain('reports a missing secret as SecretNotFoundError naming the secret id');
  });

  it('fails when errors are not BuildSecretsErrors', async () => {
    expect(await failingCases({ plainErrors: true })).toContain('produces only typed errors that never contain a value');
  });

  it('fails the batch case when results come back out of order', async () => {
    expect(await failingCases({ reverseOrder: true })).toContain('answers a mixed batch with one result per request, in order, ids preserved');
  });

  it('fails the abort cases, within the bound, when the abort is ignored', async () => {
    const failed = await failingCases({ ignoreAbort: true });
    expect(failed).toEqual(['settles promptly when the signal is already aborted', 'settles promptly when aborted mid-flight']);
  });

  it('tells an empty value apart from not found', async () => {
    expect(await failingCases({ emptyIsMissing: true })).toContain('returns an empty value for an empty secret, which is not "not found"');
  });

  it('fails when a second dispose() throws', async () => {
    expect(await failingCases({ disposeOnce: true })).toEqual(['dispose() is idempotent']);
  });

  it('fails the concurrency case when calls share mutable state', async () => {
    expect(await failingCases({ sharedStateRace: true })).toContain('gives correct results to 20 concurrent resolve calls');
  });
});
