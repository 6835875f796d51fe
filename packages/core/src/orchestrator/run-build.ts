import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRevInjection, cacheRevPlaceholderArgs } from '../cache/cache-rev-injection.js';
import { resolveDockerBinary } from '../engine/docker-binary.js';
import { AbortedError, AuditError, ConfigError, DockerfileError, EngineError, StrategyRefusedError, UsageError } from '../errors/index.js';
import { existsSync, statSync } from 'node:fs';
import { MIN_ENCODED_REDACTION_LENGTH } from '../redaction/redactor.js';
import { AUDIT_MIN_VALUE_LENGTH } from '@buildsecrets/audit';
import type { SecretValue } from '../secret-value.js';
import type { EngineAdapter, EngineBuildRun } from '../engine/engine-adapter.js';
import type { PreparedInjection } from '../strategies/types.js';
import { planBuild, type BuildPlan } from './build-plan.js';
import { defaultBuildSteps, type BuildSteps } from './build-steps.js';
import { chooseEngine, engineReport, logEngineChoice, planEngine, requestedEngine, type EngineIntent } from './engine-step.js';
import type { BuildOptions, BuildResult, BuildSession, ResolveAllOptions } from './build-types.js';
import { placeholderArgs } from './dry-run.js';
import { startWatchdogEarly, trackEngineResult, trackProcessGroup, trackUnauditedImage } from './exit-cleanup.js';
import { probeAndResolve } from './probe-and-resolve.js';
import { reportEngine } from './engine-report-step.js';
import { InterruptedAfterBuildError } from '../errors/index.js';
import { sweepStaleRuns } from '../janitor/stale-sweep.js';
import { auditBuild } from './post-build-audit.js';
import { exportTarget, userIidFile } from './engine-output-args.js';
import { builtLine, resolvedLine } from './build-progress.js';
import { makeStrategyContext } from './strategy-context.js';
import { BuildResources } from './teardown.js';
import { scopeGroups, scopeToTarget } from './target-scope.js';
import { profileMark, profiled } from '../util/profile.js';
import { planPush, pushBuiltImage, pushSettings, refuseEnginePush } from './push-step.js';

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError('the run was cancelled; everything it set up was removed');
}

/** Read and check the Dockerfile (when an analyser is wired): errors stop the build, warnings are logged. */
async function checkDockerfile(session: BuildSession, plan: BuildPlan, steps: BuildSteps): Promise<{ declaredArgs: ReadonlySet<string>; baseImages?: readonly string[] }> {
  if (!steps.checkDockerfile || plan.dockerfile === '-') return { declaredArgs: new Set() };
  if (!existsSync(plan.context) || !statSync(plan.context).isDirectory()) {
    throw new UsageError(`the build context ${plan.context} ${existsSync(plan.context) ? 'is not a directory' : 'does not exist'}`, { hint: 'the last argument of `buildsecrets build` is the context directory, e.g. `.`' });
  }
  const text = await readFile(plan.dockerfile, 'utf8').catch(() => undefined);
  if (text === undefined) {
    const problem = existsSync(plan.dockerfile) ? `cannot read ${plan.dockerfile}` : `there is no ${plan.dockerfile}`;
    throw new DockerfileError([problem], { hint: plan.explicitDockerfile ? 'check the path given with -f (or build.dockerfile in the config)' : 'pass the Dockerfile with -f, or run from the build context' });
  }
  const check = steps.checkDockerfile({ file: plan.dockerfile, text, config: session.config });
  for (const warning of check.warnings) session.logger.warn(warning);
  if (check.errors.length > 0) throw new DockerfileError(check.errors, { file: plan.dockerfile });
  return { declaredArgs: check.declaredArgs, ...(check.baseImages ? { baseImages: check.baseImages } : {}) };
}

/**
 * Arguments are visible to every user in `ps`: refuse any strategy output that carries a value.
 * Values shorter than the redactor's encoded minimum are skipped: a 1–3 byte value matches inside
 * ordinary paths and flags, so the check would refuse every build and prove nothing.
 */
function assertNoValueInArgs(injections: readonly PreparedInjection[], values: ReadonlyMap<string, SecretValue>): void {
  const needles = [...values.values()].filter((v) => v.length >= MIN_ENCODED_REDACTION_LENGTH).map((v) => v.reveal());
  try {
    for (const arg of injections.flatMap((i) => i.engineArgs)) {
      const bytes = Buffer.from(arg);
      if (needles.some((n) => bytes.includes(n))) throw new StrategyRefusedError('an injection strategy put a secret value into the engine arguments; refusing to start the build');
    }
  } finally {
    for (const n of needles) n.fill(0);
  }
}

/** Values under 8 bytes cannot be audited or masked without noise: warn by id, or fail under `build.minSecretLength`. */
function checkShortValues(session: BuildSession, values: ReadonlyMap<string, SecretValue>): void {
  const required = session.config.build?.minSecretLength;
  const short = [...values].filter(([, v]) => v.length < (required ?? AUDIT_MIN_VALUE_LENGTH)).map(([id, v]) => `${id} (${v.length} byte${v.length === 1 ? '' : 's'})`);
  if (short.length === 0) return;
  if (required !== undefined) {
    throw new ConfigError(short.map((s) => ({ path: 'build.minSecretLength', message: `secret ${s} is shorter than ${required} bytes` })), { hint: 'use longer values, or lower build.minSecretLength' });
  }
  for (const s of short) session.logger.warn(`secret ${s} is shorter than ${AUDIT_MIN_VALUE_LENGTH} bytes: the audit cannot search for it and logs mask it only as a whole word (set build.minSecretLength to make this an error)`);
}

function engineArgs(options: BuildOptions, plan: BuildPlan, injected: readonly string[]): string[] {
  return [...(options.engineArgs ?? []), ...(plan.explicitDockerfile ? ['-f', plan.dockerfile] : []), ...injected, plan.context];
}

async function dryRun(session: BuildSession, options: BuildOptions, plan: BuildPlan, intent: EngineIntent, signal: AbortSignal): Promise<BuildResult> {
  // The probe only asks the engine its version; a dry run still works (and says so) when it fails.
  let whyNot = '';
  const choice = await chooseEngine(intent, session, signal, 5000).catch((error: unknown): undefined => {
    whyNot = (error instanceof Error ? error.message.replace(/^\[buildsecrets\] /, '') : String(error)).split('\n')[0] ?? '';
    return undefined;
  });
  const adapter = choice?.adapter ?? intent.assumed;
  const engine = engineReport(choice, intent, whyNot);
  logEngineChoice(session, engine);
  const injected = [...[...plan.groups].flatMap(([kind, secrets]) => placeholderArgs(kind, secrets)), ...cacheRevPlaceholderArgs(session.config)];
  const { argv, env } = adapter.buildCommand(engineArgs(options, plan, injected), '<tmpfs>/iid');
  const command = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv].map((a) => session.redactor.redact(a));
  return { exitCode: 0, command, engine };
}

/** The start-up sweep: remove directories of dead runs, report images a killed run never audited. */
async function reportStaleRuns(session: BuildSession): Promise<void> {
  // Awaited only after the engine has started (below): a failure here must not leave the build
  // unawaited, so it is a warning. The sweep is housekeeping for earlier runs, not this one's safety.
  const stale = await sweepStaleRuns(session.env).catch((error: unknown) => {
    session.logger.warn(`could not sweep the directories of killed runs (${(error as NodeJS.ErrnoException | undefined)?.code ?? 'error'}); this run goes on`);
    return undefined;
  });
  if (stale === undefined) return;
  if (stale.removed.length > 0) session.logger.warn(`removed ${stale.removed.length} secret director${stale.removed.length === 1 ? 'y' : 'ies'} left by a run that was killed`);
  if (stale.engineBuilds.length > 0) session.logger.warn(`finished the clean-up of ${stale.engineBuilds.length} podman/buildah build${stale.engineBuilds.length === 1 ? '' : 's'} of a run killed together with its watchdog (RUN step stopped, working containers and their secret copies removed)`);
  for (const image of stale.unaudited) {
    session.logger.warn(`a previous run was killed after the engine built ${image} and before its audit: run \`buildsecrets audit ${image}\` before using it`);
  }
}

/**
 * Build an image with every configured secret delivered its configured way: check the Dockerfile,
 * validate strategies, resolve (fail closed), prepare injections, run the engine, tear everything
 * down (on success, failure and abort alike), then audit the image for leaked values.
 *
 * @example
 * ```ts
 * const result = await runBuild(session, { context: '.', engineArgs: ['-t', 'app'] });
 * console.log(result.imageId);
 * ```
 */
export async function runBuild(session: BuildSession, options: BuildOptions, steps: BuildSteps = defaultBuildSteps): Promise<BuildResult> {
  profileMark('build: start');
  const { logger, config } = session;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;
  const resources = new BuildResources();
  let sweeping: Promise<void> = Promise.resolve();
  // A probe still answering when the build fails early: settled before runBuild returns, so no
  // work (a cache-file write) outlives the call.
  let probing: Promise<unknown> = Promise.resolve();
  try {
    // The push gate: the engine never pushes by itself; buildsecrets pushes after a clean audit.
    refuseEnginePush(options.engineArgs ?? []);
    const push = pushSettings(options, session);
    const unplanned = planBuild(options, config, session.baseDir);
    const fullPlan = push ? planPush(session, unplanned, options.engineArgs ?? [], exportTarget(options.engineArgs ?? [], unplanned.context) !== undefined) : unplanned;
    const docker = resolveDockerBinary({ option: options.docker, env: session.env, config: config.build?.docker });
    const { declaredArgs, baseImages } = await profiled('dockerfile check', () => checkDockerfile(session, fullPlan, steps));
    // Only what the target's stages use is fetched and handed over (least privilege).
    const scope = await profiled('target scope', () => scopeToTarget(session, fullPlan, options, requestedEngine(options, session) === 'docker-classic'));
    const plan = scopeGroups(fullPlan, scope.inject);
    for (const [kind, secrets] of plan.groups) session.strategy(kind).validate?.(secrets, { declaredArgs, logger });
    // Refuses a strategy the engine cannot honour before anything is resolved or started.
    const intent = await profiled('engine plan', () => planEngine(session, options, plan, docker));
    if (options.dryRun) return await dryRun(session, options, plan, intent, signal);

    // Off the engine's path: the sweep of dead runs' leftovers, and the watchdog's start-up, run
    // while the engine is probed and the secrets are resolved.
    sweeping = profiled('stale sweep', () => reportStaleRuns(session));
    startWatchdogEarly();
    const versionIds = new Map<string, string>();
    const replayable = ![...plan.groups.keys()].some((kind) => session.strategy(kind).singleUse === true);
    const probe = await probeAndResolve(session, resources, intent, plan, signal, { ids: scope.needed, versionIds }, (resolved, resolveMs) => {
      // The short progress account (info: shown without --verbose); providers and counts, never values.
      logger.info(resolvedLine(config, [...resolved.keys()], resolveMs));
      checkShortValues(session, resolved);
    }, replayable);
    probing = probe.pending ?? probing;
    const values = probe.values;
    const reporting = reportEngine(session, intent, probe);
    throwIfAborted(signal);
    const context = makeStrategyContext(session, resources, signal, values, declaredArgs);
    const injections: PreparedInjection[] = [];
    for (const [kind, planned] of plan.groups) {
      const secrets = planned.map(({ id, config: secretConfig }) => {
        const value = values.get(id);
        if (!value) throw new EngineError(`secret ${id} was not resolved; the build was not started`, { secretId: id });
        return { id, config: secretConfig, value };
      });
      const injection = await profiled(`prepare ${kind}`, () => session.strategy(kind).prepare(secrets, context));
      resources.addInjection(injection);
      injections.push(injection);
      for (const line of injection.summary) logger.debug(line);
      throwIfAborted(signal);
    }
    const revs = cacheRevInjection(config, values, versionIds, session.redactor);
    if (revs) {
      injections.push(revs);
      for (const line of revs.summary) logger.debug(line);
    }
    assertNoValueInArgs(injections, values);
    const iidDir = await context.tempDir('engine');
    // The user's own --iidfile is read (and still written for them); otherwise ours, on tmpfs. An
    // export that is not an image has no id, and docker fails when asked for one: the export is audited instead.
    const exported = exportTarget(options.engineArgs ?? [], plan.context);
    const iidFile = exported ? undefined : (userIidFile(options.engineArgs ?? [], plan.context) ?? join(iidDir.path, 'iid'));
    const forgetResult = iidFile ? trackEngineResult(iidFile) : (): void => undefined;
    const forgetChildren: (() => void)[] = [];
    let forgetImage = (): void => undefined;
    const engineStart = performance.now();
    profileMark('engine: start');
    const runWith = (adapter: EngineAdapter, engineSignal: AbortSignal): Promise<EngineBuildRun> => adapter.run({
      redactor: session.redactor, signal: engineSignal, cwd: plan.context,
      args: [...(push && !(options.engineArgs ?? []).includes('--load') ? (adapter.pushBuildArgs ?? []) : []), ...engineArgs(options, plan, injections.flatMap((i) => i.engineArgs))],
      env: { ...session.env, ...Object.assign({}, ...injections.map((i) => i.env)) },
      output: options.output, ...(iidFile ? { iidFile } : {}),
      onSpawn: (pid) => forgetChildren.push(trackProcessGroup(pid)),
    }).then((result) => {
      // Before the teardown removes the result file: from now on the watchdog knows the image id itself.
      if (result.imageId) forgetImage = trackUnauditedImage(result.imageId);
      return result;
    });
    let adapter = reporting.adapter;
    const running = runWith(adapter, reporting.engineSignal(signal)).catch(async (error: unknown) => {
      // Started before the probe answered, and the probe chose another engine: build again with it.
      if (signal.aborted) throw error;
      adapter = await reporting.retry(error, adapter);
      return runWith(adapter, signal);
    }).finally(async () => {
      for (const forget of forgetChildren.splice(0)) forget();
      // Secrets are read lazily during the steps, so they live exactly as long as the engine.
      await resources.release(logger);
    });
    // Handled below; meanwhile the start-up sweep (a shared /tmp can hold thousands of names) ends
    // behind the engine's start instead of delaying it. It removes only dead runs' directories.
    running.catch(() => undefined);
    await sweeping;
    const run = await running;
    const report = await reporting.report(adapter);
    profileMark('engine: done, teardown done');
    logger.info(builtLine(performance.now() - engineStart, run.imageId));
    // From here an image exists: a first signal no longer cancels the audit (a second one forces
    // the exit), so an interruption never ends with an image nobody looked at.
    const interrupted = signal.aborted;
    forgetResult();
    if (interrupted) logger.warn(`the engine finished before it could be stopped; auditing ${run.imageId ?? 'the image'} before exiting`);
    const exportCommand = run.imageId ? adapter.exportCommand(run.imageId).argv : undefined;
    // The audit's summary line is logged by the post-build audit step.
    const audit = await auditBuild(session, plan, steps, {
      docker, image: run.imageId, values, signal: new AbortController().signal,
      baseDiffIds: (base: string) => adapter.imageDiffIds(base, { env: session.env }),
      ...(baseImages ? { baseImages } : {}), ...(exported ? { exported } : {}), ...(exportCommand ? { exportCommand } : {}),
    });
    profileMark('audit: done');
    forgetImage();
    if (interrupted || signal.aborted) throw new InterruptedAfterBuildError(run.imageId ?? 'an image', audit === undefined ? 'not-audited' : audit.clean ? 'clean' : 'findings');
    // The gate: only an image the audit searched completely and found clean is pushed.
    if (push && audit?.clean !== true) throw new AuditError('the image was not pushed: the audit did not find it clean', { hint: 'see the audit output above' });
    const pushed = push ? await pushBuiltImage(session, { adapter, engineArgs: options.engineArgs ?? [], settings: push, signal, ...(options.output ? { output: options.output } : {}) }) : undefined;
    return { exitCode: 0, command: run.command, ...(run.imageId ? { imageId: run.imageId } : {}), ...(audit ? { audit } : {}), engine: report, ...(pushed ? { pushed } : {}) };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await resources.release(logger);
    resources.wipe();
    await sweeping;
    await probing.catch(() => undefined);
  }
}
