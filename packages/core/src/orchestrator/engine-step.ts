import { dockerEndpoint } from '../engine/docker-endpoint.js';
import { ENGINE_NAMES, type EngineAdapter } from '../engine/engine-adapter.js';
import { engineAdapter, engineBinaries, type EngineBinaries } from '../engine/engine-registry.js';
import { selectEngine, type EngineChoice, type EngineRequest } from '../engine/select-engine.js';
import { assertEngineSupports } from '../engine/strategy-support.js';
import { UsageError } from '../errors/index.js';
import type { BuildPlan } from './build-plan.js';
import type { BuildOptions, BuildSession, EngineReport } from './build-types.js';

/** What is known about the engine before anything is probed or resolved. */
export interface EngineIntent {
  /** What was asked for. */
  readonly requested: EngineRequest;
  /** The binaries the adapters call. */
  readonly binaries: EngineBinaries;
  /** Whether the docker binary was named (auto-detection then never falls back to podman/buildah). */
  readonly dockerNamed: boolean;
  /** The adapter assumed until a probe says otherwise (auto: docker with BuildKit). */
  readonly assumed: EngineAdapter;
}

/** The engine asked for: `--engine`, else `BUILDSECRETS_ENGINE`, else `build.engine`, else `auto`. */
export function requestedEngine(options: BuildOptions, session: BuildSession): EngineRequest {
  const fromEnv = session.env['BUILDSECRETS_ENGINE'];
  const requested = options.engine ?? (fromEnv || undefined) ?? session.config.build?.engine ?? 'auto';
  if (requested !== 'auto' && !(ENGINE_NAMES as readonly string[]).includes(requested)) {
    throw new UsageError(`unknown engine "${requested}"`, { hint: `use one of auto, ${ENGINE_NAMES.join(', ')}` });
  }
  return requested as EngineRequest;
}

/**
 * Decide the engine as far as it can be decided without starting anything, and refuse a secret
 * whose strategy that engine cannot honour — before a single secret is resolved.
 */
export async function planEngine(session: BuildSession, options: BuildOptions, plan: BuildPlan, docker: string): Promise<EngineIntent> {
  const requested = requestedEngine(options, session);
  const binaries = engineBinaries(docker, session.env);
  const assumed = engineAdapter(requested === 'auto' ? 'docker-buildkit' : requested, binaries);
  const isDocker = assumed.name.startsWith('docker-');
  const endpoint = isDocker ? await dockerEndpoint(session.env) : undefined;
  const secrets = [...plan.groups.values()].flat();
  assertEngineSupports(secrets, { name: assumed.name, capabilities: assumed.capabilities, ...(endpoint ? { endpoint } : {}) }, session.config.build?.servedFile ?? {});
  const configuredDocker = session.config.build?.docker;
  const dockerNamed = Boolean(options.docker || session.env['BUILDSECRETS_DOCKER'] || (configuredDocker && configuredDocker !== 'docker'));
  return { requested, binaries, dockerNamed, assumed };
}

/** Probe and choose (see `selectEngine`). */
export function chooseEngine(intent: EngineIntent, session: BuildSession, signal: AbortSignal, timeoutMs?: number): Promise<EngineChoice> {
  return selectEngine({ requested: intent.requested, binaries: intent.binaries, dockerNamed: intent.dockerNamed, env: session.env, signal, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** The choice as reported in the result and printed by `--dry-run` / `--verbose`. */
export function engineReport(choice: EngineChoice | undefined, intent: EngineIntent, whyNotProbed?: string): EngineReport {
  if (!choice) {
    return { name: intent.assumed.name, requested: intent.requested, probed: false, tried: [`${intent.assumed.name}: assumed, not probed — ${whyNotProbed ?? 'no probe'}`] };
  }
  return { name: choice.adapter.name, requested: choice.requested, probed: true, ...(choice.version ? { version: choice.version } : {}), tried: choice.tried };
}

/** Log the choice for `--verbose` (debug level). */
export function logEngineChoice(session: BuildSession, report: EngineReport): void {
  session.logger.debug(`engine: ${report.name}${report.version ? ` (${report.version})` : ''}, ${report.requested === 'auto' ? 'auto-detected' : 'asked for'}; order: ${report.tried.join('; ')}`);
}

/** Lines for the config-free summary of a dry run. */
export function describeEngineReport(report: EngineReport): string {
  const how = report.probed ? `probed${report.version ? `, ${report.version}` : ''}` : 'not probed';
  return `engine: ${report.name} (${report.requested === 'auto' ? 'auto' : 'asked for'}, ${how}) — ${report.tried.join('; ')}`;
}
