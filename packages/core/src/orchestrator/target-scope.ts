import { readFile } from 'node:fs/promises';
import { neededSecrets } from '../dockerfile/needed-secrets.js';
import { UsageError } from '../errors/index.js';
import type { BuildPlan, ActiveKind, PlannedSecret } from './build-plan.js';
import type { BuildOptions, BuildSession } from './build-types.js';
import { stageSelectionFromArgs } from './stage-selection.js';

/** The secrets one build resolves and injects. */
export interface TargetScope {
  /** Ids to resolve (config order). */
  readonly needed: readonly string[];
  /** Ids to hand to the engine (the stages use them themselves). */
  readonly inject: readonly string[];
  /** Ids skipped because no stage of the target uses them. */
  readonly notNeeded: readonly string[];
}

/**
 * Decide which secrets this build needs from the Dockerfile and the `--target`/`--build-arg`s in
 * the engine arguments. Without a Dockerfile to read (`-f -`), everything is needed: the scoping
 * may only ever remove what is provably unused. A `--target` the Dockerfile lacks stops the build
 * before anything is fetched (docker would fail on it after the fetch). Docker's classic builder
 * runs every stage up to the target, used or not, so with it every one of those stages counts.
 */
export async function scopeToTarget(session: BuildSession, plan: BuildPlan, options: BuildOptions, classicBuilder = false): Promise<TargetScope> {
  const all = Object.keys(session.config.secrets);
  const everything = { needed: all, inject: all, notNeeded: [] };
  if (plan.dockerfile === '-') return everything;
  const text = await readFile(plan.dockerfile, 'utf8').catch(() => undefined);
  if (text === undefined) return everything;
  const scope = neededSecrets(session.config, text, { ...stageSelectionFromArgs(options.engineArgs ?? [], session.env), everyStageUpToTarget: classicBuilder }, session.templateReferences);
  if (!scope.ok) throw new UsageError(`${plan.dockerfile}: ${scope.message}`, { hint: 'pass a --target the Dockerfile defines (FROM … AS <name>)' });
  if (scope.notNeeded.length > 0) session.logger.info(`not needed by target ${scope.target} (not fetched): ${scope.notNeeded.join(', ')}`);
  return scope;
}

/** The plan's injection groups without the secrets this build does not hand over. */
export function scopeGroups(plan: BuildPlan, inject: readonly string[]): BuildPlan {
  const keep = new Set(inject);
  const groups = new Map<ActiveKind, PlannedSecret[]>();
  for (const [kind, secrets] of plan.groups) {
    const kept = secrets.filter((s) => keep.has(s.id));
    if (kept.length > 0) groups.set(kind, kept);
  }
  return { ...plan, groups };
}
