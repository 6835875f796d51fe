import type { EngineChoice } from '../engine/select-engine.js';
import type { SecretValue } from '../secret-value.js';
import { profiled } from '../util/profile.js';
import type { BuildPlan } from './build-plan.js';
import type { BuildSession, ResolveAllOptions } from './build-types.js';
import { checkContextStep } from './context-step.js';
import { chooseEngine, type EngineIntent } from './engine-step.js';
import type { BuildResources } from './teardown.js';

/** What {@link probeAndResolve} hands on. */
export interface ProbedAndResolved {
  /** The resolved values (already in the build's resources, so every exit path wipes them). */
  readonly values: ReadonlyMap<string, SecretValue>;
  /** How long resolution took, in ms. */
  readonly resolveMs: number;
  /** The engine choice when it is already known (auto-detection waits for the probe: the probe picks the adapter). */
  readonly choice?: EngineChoice;
  /**
   * The probe of an engine that was asked for by name, possibly still running: the adapter is known
   * without it, so the build starts while it answers (see `run-build`). Rejects with the probe's error.
   */
  readonly pending?: Promise<EngineChoice>;
}

/**
 * Probe the engine, resolve the secrets and check the build context, as concurrently as their
 * dependencies allow: the probe (one or two engine CLI starts) and the resolution start together;
 * the context check starts as soon as the values exist (it searches for them), while the probe may
 * still be running. A failed probe cancels the resolution and wins, as it did when it ran first;
 * then a resolution error; then a context finding. Resolved values are handed to `resources` as
 * soon as they exist, so the caller's teardown wipes them whatever fails.
 *
 * With auto-detection the probe is awaited (it decides the adapter). An engine asked for by name
 * is not waited for unless it has already failed: `pending` carries its answer.
 */
export async function probeAndResolve(
  session: BuildSession,
  resources: BuildResources,
  intent: EngineIntent,
  plan: BuildPlan,
  signal: AbortSignal,
  options: ResolveAllOptions,
  onResolved: (values: ReadonlyMap<string, SecretValue>, resolveMs: number) => void,
): Promise<ProbedAndResolved> {
  const noEngine = new AbortController();
  const detecting = profiled('engine probe', () => chooseEngine(intent, session, signal)).catch((error: unknown) => {
    noEngine.abort(error);
    throw error;
  });
  // Handled here, rethrown below (or by the caller, for an engine asked for by name).
  detecting.catch(() => undefined);
  const resolveStart = performance.now();
  let resolveMs = 0;
  const resolving = profiled('resolve', () => session.resolveAll(AbortSignal.any([signal, noEngine.signal]), options)).then((values) => {
    resources.addValues(values.values());
    resolveMs = performance.now() - resolveStart;
    return values;
  });
  const checked = resolving.then(async (values) => {
    if (signal.aborted || noEngine.signal.aborted) return values;
    onResolved(values, resolveMs);
    await profiled('context check', () => checkContextStep(session, plan, values));
    return values;
  });
  if (intent.requested === 'auto') {
    const [engine, values] = await Promise.allSettled([detecting, checked]);
    if (engine.status === 'rejected') throw engine.reason;
    if (values.status === 'rejected') throw values.reason;
    return { values: values.value, resolveMs, choice: engine.value };
  }
  const [values] = await Promise.allSettled([checked]);
  if (noEngine.signal.aborted) await detecting;
  if (values.status === 'rejected') throw values.reason;
  return { values: values.value, resolveMs, pending: detecting };
}
