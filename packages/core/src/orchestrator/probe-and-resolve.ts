import { cachedEngineChoice, engineChoiceKey, rememberEngineChoice } from '../engine/engine-choice-cache.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { engineAdapter } from '../engine/engine-registry.js';
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
  /** The engine choice when the probe has answered. */
  readonly choice?: EngineChoice;
  /**
   * The probe, still running, when the adapter is known without it — asked for by name, or chosen by
   * auto-detection for this same setup last time — so the build starts while it answers (see
   * `reportEngine`). Rejects with the probe's error.
   */
  readonly pending?: Promise<EngineChoice>;
  /** The adapter to start with while `pending` answers. */
  readonly speculative?: EngineAdapter;
}

/**
 * Probe the engine, resolve the secrets and check the build context, as concurrently as their
 * dependencies allow: the probe (one or two engine CLI starts) and the resolution start together;
 * the context check starts as soon as the values exist (it searches for them), while the probe may
 * still be running. A failed probe cancels the resolution and wins, as it did when it ran first;
 * then a resolution error; then a context finding. Resolved values are handed to `resources` as
 * soon as they exist, so the caller's teardown wipes them whatever fails.
 *
 * The probe is not waited for when the adapter is known without it — an engine asked for by name,
 * or the engine auto-detection chose for this same setup last time (a hint in the user's cache
 * dir): `pending` carries its answer, `speculative` the adapter to start with. Otherwise (first
 * auto-detected build, the probe answered first, or `replayable` is false because an injection
 * works only once) `choice` is the probe's answer.
 */
export async function probeAndResolve(
  session: BuildSession,
  resources: BuildResources,
  intent: EngineIntent,
  plan: BuildPlan,
  signal: AbortSignal,
  options: ResolveAllOptions,
  onResolved: (values: ReadonlyMap<string, SecretValue>, resolveMs: number) => void,
  replayable = true,
): Promise<ProbedAndResolved> {
  const noEngine = new AbortController();
  const auto = intent.requested === 'auto';
  const key = auto ? engineChoiceKey(intent.binaries, session.env) : '';
  // A guessed engine may have to run again with the probe's choice: only when the injections allow it.
  const hint = auto && replayable ? cachedEngineChoice(key, session.env) : Promise.resolve(undefined);
  let answered = false;
  const detecting = profiled('engine probe', () => chooseEngine(intent, session, signal)).then(
    async (choice) => {
      answered = true;
      // Part of the probe (never fails): settling the probe means nothing is left running after the build.
      if (auto) await rememberEngineChoice(key, choice.adapter.name, session.env);
      return choice;
    },
    (error: unknown) => {
      noEngine.abort(error);
      throw error;
    },
  );
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
  const [values] = await Promise.allSettled([checked]);
  // A failed probe wins over a failed resolution (it says what to fix first), as when it ran first.
  if (noEngine.signal.aborted || values.status === 'rejected') await detecting;
  if (values.status === 'rejected') throw values.reason;
  if (!auto) return { values: values.value, resolveMs, pending: detecting, speculative: intent.assumed };
  const last = await hint;
  if (!answered && last) return { values: values.value, resolveMs, pending: detecting, speculative: engineAdapter(last, intent.binaries) };
  return { values: values.value, resolveMs, choice: await detecting };
}
