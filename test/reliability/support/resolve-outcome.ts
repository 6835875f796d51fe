import { inspect } from 'node:util';
import { createBuildSecrets, SecretsUnresolvedError, type AnyProviderDefinition, type BuildSecretsConfigInput, type SecretValue } from '@buildsecrets/core';
import { expectNoCanaryIn } from '../../setup/canary-values.js';

/** How one resolution through the real orchestrator ended. */
export interface ResolveOutcome {
  /** The values, revealed, when it succeeded (read before dispose wipes them). */
  readonly values?: ReadonlyMap<string, string>;
  /** The thrown error when it failed. */
  readonly error?: unknown;
  /** The code of each failed secret's own error, by id. */
  readonly codes: Readonly<Record<string, string>>;
  /** Milliseconds until the promise settled (reported in messages only; never asserted as performance). */
  readonly settledAfterMs: number;
  /** Log lines of the run. */
  readonly logs: readonly string[];
}

/**
 * How long after its deadline a resolution may still settle: timer granularity, the last
 * request's abort, teardown on a loaded 2-core CI box. Far below what a missing deadline costs
 * (the faults last seconds), so a broken deadline fails the bound, not only the hang guard.
 */
export const DEADLINE_MARGIN_MS = 1_500;

/** Far beyond any deadline the tests configure: only a hang trips it. */
export const HANG_GUARD_MS = 20_000;

/**
 * Resolve `config` with `createBuildSecrets` (the real resolver: retries, timeouts, deadline),
 * bounded by a hang guard. Checks that no canary reached the logs or any part of the error.
 */
export async function resolveOutcome(
  config: BuildSecretsConfigInput,
  providers: Readonly<Record<string, AnyProviderDefinition>>,
  options: { readonly signal?: AbortSignal; readonly env?: Record<string, string> } = {},
): Promise<ResolveOutcome> {
  const logs: string[] = [];
  const started = Date.now();
  const bs = await createBuildSecrets({ config, providers, env: options.env ?? {}, log: (line) => void logs.push(line), logLevel: 'debug' });
  let guard: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    guard = setTimeout(() => reject(new Error(`resolution did not settle within the ${HANG_GUARD_MS} ms hang guard`)), HANG_GUARD_MS);
  });
  try {
    const resolved: ReadonlyMap<string, SecretValue> = await Promise.race([bs.resolve(options.signal ? { signal: options.signal } : {}), hang]);
    const values = new Map([...resolved].map(([id, v]) => [id, v.revealString()]));
    expectNoCanaryIn(logs.join('\n'), 'the logs');
    return { values, codes: {}, settledAfterMs: Date.now() - started, logs };
  } catch (error) {
    if (error instanceof Error && error.message.includes('hang guard')) throw error;
    const codes = error instanceof SecretsUnresolvedError ? Object.fromEntries(error.failures.map((f) => [f.secretId, f.error.code])) : {};
    expectNoCanaryIn(`${inspect(error, { depth: 8 })}\n${JSON.stringify(error)}\n${logs.join('\n')}`, 'the error or the logs');
    return { error, codes, settledAfterMs: Date.now() - started, logs };
  } finally {
    clearTimeout(guard);
    await bs.dispose();
  }
}
