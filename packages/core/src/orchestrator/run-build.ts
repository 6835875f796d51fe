import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectEngine, type EngineInfo } from '../engine/detect-engine.js';
import { resolveDockerBinary } from '../engine/docker-binary.js';
import { engineCommand, runEngine } from '../engine/run-engine.js';
import { AbortedError, DockerfileError, EngineError, StrategyRefusedError, UsageError } from '../errors/index.js';
import { existsSync, statSync } from 'node:fs';
import { MIN_ENCODED_REDACTION_LENGTH } from '../redaction/redactor.js';
import type { SecretValue } from '../secret-value.js';
import type { PreparedInjection } from '../strategies/types.js';
import { planBuild, type BuildPlan } from './build-plan.js';
import { defaultBuildSteps, type BuildSteps } from './build-steps.js';
import type { BuildOptions, BuildResult, BuildSession } from './build-types.js';
import { placeholderArgs } from './dry-run.js';
import { trackProcessGroup } from './exit-cleanup.js';
import { auditBuild } from './post-build-audit.js';
import { builtLine, engineLine, resolvedLine } from './build-progress.js';
import { makeStrategyContext } from './strategy-context.js';
import { BuildResources } from './teardown.js';

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError('the run was cancelled; everything it set up was removed');
}

/** Read and check the Dockerfile (when an analyser is wired): errors stop the build, warnings are logged. */
async function checkDockerfile(session: BuildSession, plan: BuildPlan, steps: BuildSteps): Promise<ReadonlySet<string>> {
  if (!steps.checkDockerfile || plan.dockerfile === '-') return new Set();
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
  return check.declaredArgs;
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

function engineArgs(options: BuildOptions, plan: BuildPlan, injected: readonly string[]): string[] {
  return [...(options.engineArgs ?? []), ...(plan.explicitDockerfile ? ['-f', plan.dockerfile] : []), ...injected, plan.context];
}

async function dryRun(session: BuildSession, options: BuildOptions, plan: BuildPlan, docker: string, signal: AbortSignal): Promise<BuildResult> {
  const engine = await detectEngine({ docker, env: session.env, signal, timeoutMs: 5000 }).catch((): EngineInfo => ({ docker, mode: 'buildkit', version: 'unknown' }));
  const injected = [...plan.groups].flatMap(([kind, secrets]) => placeholderArgs(kind, secrets));
  const { argv, env } = engineCommand(docker, engine.mode, ['--iidfile', '<tmpfs>/iid', ...engineArgs(options, plan, injected)]);
  const command = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv].map((a) => session.redactor.redact(a));
  return { exitCode: 0, command };
}

/**
 * Detect the engine and resolve the secrets at the same time (the detection is one or two `docker`
 * round trips that used to delay resolution). Both must succeed before anything is prepared.
 * Resolved values are handed to `resources` as soon as they exist, so the caller's teardown wipes
 * them whatever fails; a failed detection cancels the resolution and wins, as it did when it ran first.
 */
async function detectAndResolve(session: BuildSession, resources: BuildResources, docker: string, signal: AbortSignal): Promise<{ engine: EngineInfo; values: ReadonlyMap<string, SecretValue> }> {
  const noEngine = new AbortController();
  const detecting = detectEngine({ docker, env: session.env, signal }).catch((error: unknown) => {
    noEngine.abort(error);
    throw error;
  });
  const resolving = session.resolveAll(AbortSignal.any([signal, noEngine.signal])).then((values) => {
    resources.addValues(values.values());
    return values;
  });
  const [engine, values] = await Promise.allSettled([detecting, resolving]);
  if (engine.status === 'rejected') throw engine.reason;
  if (values.status === 'rejected') throw values.reason;
  return { engine: engine.value, values: values.value };
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
  const { logger, config } = session;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;
  const resources = new BuildResources();
  try {
    const plan = planBuild(options, config, session.baseDir);
    const docker = resolveDockerBinary({ option: options.docker, env: session.env, config: config.build?.docker });
    const declaredArgs = await checkDockerfile(session, plan, steps);
    for (const [kind, secrets] of plan.groups) session.strategy(kind).validate?.(secrets, { declaredArgs, logger });
    if (options.dryRun) return await dryRun(session, options, plan, docker, signal);

    const resolveStart = performance.now();
    const { engine, values } = await detectAndResolve(session, resources, docker, signal);
    // The short progress account (info: shown without --verbose); providers and counts, never values.
    logger.info(resolvedLine(config, values.size, performance.now() - resolveStart));
    logger.info(engineLine(engine.mode, engine.version));
    throwIfAborted(signal);
    const context = makeStrategyContext(session, resources, signal, values, declaredArgs);
    const injections: PreparedInjection[] = [];
    for (const [kind, planned] of plan.groups) {
      const secrets = planned.map(({ id, config: secretConfig }) => {
        const value = values.get(id);
        if (!value) throw new EngineError(`secret ${id} was not resolved; the build was not started`, { secretId: id });
        return { id, config: secretConfig, value };
      });
      const injection = await session.strategy(kind).prepare(secrets, context);
      resources.addInjection(injection);
      injections.push(injection);
      for (const line of injection.summary) logger.debug(line);
      throwIfAborted(signal);
    }
    assertNoValueInArgs(injections, values);
    const iidDir = await context.tempDir('engine');
    let forgetChild: (() => void) | undefined;
    const engineStart = performance.now();
    const run = await runEngine({
      docker, mode: engine.mode, redactor: session.redactor, signal, cwd: plan.context,
      args: engineArgs(options, plan, injections.flatMap((i) => i.engineArgs)),
      env: { ...session.env, ...Object.assign({}, ...injections.map((i) => i.env)) },
      output: options.output, iidFile: join(iidDir.path, 'iid'),
      onSpawn: (pid) => (forgetChild = trackProcessGroup(pid)),
    }).finally(async () => {
      forgetChild?.();
      // Secrets are read lazily during the steps, so they live exactly as long as the engine.
      await resources.release(logger);
    });
    logger.info(builtLine(performance.now() - engineStart, run.imageId));
    // The audit's summary line is logged by the post-build audit step that follows.
    const audit = await auditBuild(session, plan, steps, { docker, image: run.imageId, values, signal });
    return { exitCode: 0, command: run.command, ...(run.imageId ? { imageId: run.imageId } : {}), ...(audit ? { audit } : {}) };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await resources.release(logger);
    resources.wipe();
  }
}
