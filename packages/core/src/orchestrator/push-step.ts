import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { runPush, type PushRun } from '../engine/run-push.js';
import { EngineError, UsageError } from '../errors/index.js';
import type { BuildPlan } from './build-plan.js';
import type { BuildOptions, BuildSession, PushSettings } from './build-types.js';
import { trackProcessGroup } from './exit-cleanup.js';

/** Every value of `--name VALUE` / `--name=VALUE` (and `-tVALUE` for short flags) in order. */
function allValues(args: readonly string[], names: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    for (const name of names) {
      if (arg === name && i + 1 < args.length) values.push(args[i + 1]!);
      else if (name.startsWith('--') && arg.startsWith(`${name}=`)) values.push(arg.slice(name.length + 1));
    }
  }
  return values;
}

/**
 * Refuse every way of making the engine push by itself: that push would happen before the audit,
 * and a leaky image would reach the registry before anyone saw exit 3. `--push` (buildx),
 * `--output type=registry` and `push=true` in any `--output` are refused with the hint to use
 * buildsecrets' own `--push`, which pushes only after a clean audit.
 */
export function refuseEnginePush(engineArgs: readonly string[]): void {
  const hint = 'use `buildsecrets build --push -t REGISTRY/REPO:TAG …` (or build.push: true): it builds locally, audits, and pushes only a clean image';
  if (engineArgs.some((a) => a === '--push' || a.startsWith('--push='))) {
    throw new UsageError('--push is not passed to the engine any more: the engine would push before the audit', { hint });
  }
  for (const output of allValues(engineArgs, ['-o', '--output'])) {
    const fields = output.split(',').map((kv) => kv.trim().toLowerCase());
    if (fields.includes('type=registry') || fields.includes('push=true')) {
      throw new UsageError(`--output ${output} would push from inside the engine, before the audit`, { hint });
    }
  }
}

/** Whether this build pushes, and how: `BuildOptions.push` wins, else `build.push`, else no. */
export function pushSettings(options: BuildOptions, session: BuildSession): PushSettings | undefined {
  const asked = options.push ?? session.config.build?.push ?? false;
  if (asked === false) return undefined;
  return asked === true ? {} : asked;
}

/** The tags (`-t`, `--tag`) the gate pushes. */
export function pushTags(engineArgs: readonly string[]): string[] {
  return allValues(engineArgs, ['-t', '--tag']);
}

/**
 * Check a push request before anything is resolved: it needs at least one tag, an audit (a push
 * gate without an audit is no gate: `off` is refused; `warn` becomes `fail`, since a leak must stop
 * the push), and a built image rather than an `--output` export. Returns the plan the build follows.
 */
export function planPush(session: BuildSession, plan: BuildPlan, engineArgs: readonly string[], exported: boolean): BuildPlan {
  if (pushTags(engineArgs).length === 0) {
    throw new UsageError('--push needs a tag to push to', { hint: 'add -t REGISTRY/REPO:TAG (one or more)' });
  }
  if (exported) throw new UsageError('--push pushes the built image; it cannot be combined with --output', { hint: 'drop --output, or drop --push and push the export yourself after `buildsecrets audit`' });
  if (plan.audit === 'off') throw new UsageError('--push needs the audit: the push gate pushes only an image that was audited clean', { hint: 'drop --audit=off / --no-audit (or build.audit: off)' });
  if (plan.audit === 'warn') session.logger.warn('audit: --push makes a leak fail the build (warn is not enough for a push gate); nothing is pushed unless the audit is clean');
  return plan.audit === 'warn' ? { ...plan, audit: 'fail' } : plan;
}

/** The adapter's push, or a clear refusal for an engine without one. */
function pushCommandOf(adapter: EngineAdapter): NonNullable<EngineAdapter['pushCommand']> {
  if (!adapter.capabilities.push || !adapter.pushCommand) throw new EngineError(`the ${adapter.name} engine cannot push a built image`, { hint: 'choose another engine with --engine' });
  if (adapter.name.startsWith('docker-')) return (reference) => adapter.pushCommand!(reference, {});
  return adapter.pushCommand.bind(adapter);
}

/** What {@link pushBuiltImage} needs. */
export interface PushInput {
  readonly adapter: EngineAdapter;
  readonly engineArgs: readonly string[];
  readonly settings: PushSettings;
  readonly signal: AbortSignal;
  readonly output?: NodeJS.WritableStream;
}

/**
 * The last step of the push gate, run only after a clean audit: push every tag with the engine's
 * own push of the already built image, one after the other, and report each digest. Registry
 * logins stay the engine's (docker config, auth.json); nothing secret is on the argv.
 */
export async function pushBuiltImage(session: BuildSession, input: PushInput): Promise<PushRun[]> {
  const command = pushCommandOf(input.adapter);
  if (input.adapter.name.startsWith('docker-') && (input.settings.tlsVerify === false || input.settings.certDir)) {
    throw new UsageError(`${input.adapter.name} pushes through the daemon, which takes registry TLS settings from its own configuration`, { hint: 'put the CA in /etc/docker/certs.d/HOST:PORT/ca.crt (or configure the daemon\'s insecure-registries); --push-tls-verify and --push-cert-dir are for podman and buildah' });
  }
  const pushed: PushRun[] = [];
  // The build's temp dirs are gone by now (they lived as long as the engine); digests are not secret.
  const workDir = await mkdtemp(join(tmpdir(), 'buildsecrets-push-'));
  try {
    await pushEach(session, input, command, workDir, pushed);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return pushed;
}

async function pushEach(session: BuildSession, input: PushInput, command: NonNullable<EngineAdapter['pushCommand']>, workDir: string, pushed: PushRun[]): Promise<void> {
  for (const [i, reference] of pushTags(input.engineArgs).entries()) {
    const digestFile = join(workDir, `digest-${i}`);
    const options = { digestFile, ...(input.settings.tlsVerify === false ? { tlsVerify: false } : {}), ...(input.settings.certDir ? { certDir: input.settings.certDir } : {}) };
    let forget: (() => void) | undefined;
    try {
      const run = await runPush({
        command: command(reference, options), reference, env: session.env, redactor: session.redactor, signal: input.signal, digestFile,
        ...(input.output ? { output: input.output } : {}), onSpawn: (pid) => (forget = trackProcessGroup(pid)),
      });
      session.logger.info(`pushed ${reference} (${run.digest})`);
      pushed.push(run);
    } finally {
      forget?.();
    }
  }
}
