import { AbortedError, EngineError } from '../errors/index.js';
import { detectEngine } from './detect-engine.js';
import { describeDockerHost } from './docker-binary.js';
import type { EngineAdapter, EngineName } from './engine-adapter.js';
import { engineAdapter, type EngineBinaries } from './engine-registry.js';

/** What the user asked for: one engine, or `auto`. */
export type EngineRequest = EngineName | 'auto';

/** The engine a build uses, and how it was chosen (printed with --verbose and --dry-run). */
export interface EngineChoice {
  /** The adapter that builds. */
  readonly adapter: EngineAdapter;
  /** The engine's (daemon's) version, when probed. */
  readonly version?: string;
  /** What was asked for. */
  readonly requested: EngineRequest;
  /** Each engine tried, in order, with the reason it was taken or passed over. */
  readonly tried: readonly string[];
}

/** Options for {@link selectEngine}. */
export interface SelectEngineOptions {
  /** `--engine`, `BUILDSECRETS_ENGINE` or `build.engine`; default `auto`. */
  readonly requested: EngineRequest;
  /** The binaries to call. */
  readonly binaries: EngineBinaries;
  /**
   * True when the docker binary was named (`--docker`, `BUILDSECRETS_DOCKER`, `build.docker`):
   * then auto-detection never falls back to podman/buildah when it is missing.
   */
  readonly dockerNamed: boolean;
  /** The engine's environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Cancels detection. */
  readonly signal?: AbortSignal;
  /** Bound for each query in ms. */
  readonly timeoutMs?: number;
}

/** Auto-detection order: docker first (BuildKit via buildx, then `DOCKER_BUILDKIT=1`), then podman, then buildah. */
export const AUTO_DETECTION_ORDER: readonly EngineName[] = ['docker-buildx', 'docker-buildkit', 'podman', 'buildah'];

async function autoDetect(options: SelectEngineOptions): Promise<EngineChoice> {
  const query = { env: options.env, ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  const tried: string[] = [];
  let dockerError: unknown;
  try {
    const info = await detectEngine({ docker: options.binaries.docker, ...query });
    const where = `daemon ${info.version}, ${describeDockerHost(options.env)}`;
    if (info.mode === 'buildx') {
      tried.push(`docker-buildx: chosen — the buildx plugin answered (${where})`);
      return { adapter: engineAdapter('docker-buildx', options.binaries), version: info.version, requested: 'auto', tried };
    }
    tried.push('docker-buildx: passed over — no buildx plugin', `docker-buildkit: chosen — the daemon has BuildKit (${where})`);
    return { adapter: engineAdapter('docker-buildkit', options.binaries), version: info.version, requested: 'auto', tried };
  } catch (error) {
    if (error instanceof AbortedError) throw error;
    dockerError = error;
    const message = error instanceof Error ? error.message.replace(/^\[buildsecrets\] /, '') : String(error);
    tried.push(`docker-buildx, docker-buildkit: passed over — ${message}`);
    // Only a docker that is not installed falls through: a named binary or a daemon that is down is the user's to fix.
    if (options.dockerNamed || !/was not found/.test(message)) throw error;
  }
  for (const name of ['podman', 'buildah'] as const) {
    const adapter = engineAdapter(name, options.binaries);
    const probe = await adapter.detect(query);
    if (options.signal?.aborted) throw new AbortedError();
    if (probe.available) {
      tried.push(`${name}: chosen — ${probe.reason}`);
      return { adapter, ...(probe.version ? { version: probe.version } : {}), requested: 'auto', tried };
    }
    tried.push(`${name}: passed over — ${probe.reason}`);
  }
  const base = dockerError instanceof EngineError ? dockerError : new EngineError('no container engine was found');
  throw new EngineError(base.message.replace(/^\[buildsecrets\] /, ''), {
    hint: `no engine answered (tried ${AUTO_DETECTION_ORDER.join(', ')}): install Docker, Podman or Buildah, or name one with --engine`,
  });
}

/**
 * Choose the engine for a build: the one asked for (probed, so a missing or broken engine fails
 * with what to do), or the first that answers in {@link AUTO_DETECTION_ORDER}. The choice carries
 * the reasons, for `--verbose` and `--dry-run`.
 */
export async function selectEngine(options: SelectEngineOptions): Promise<EngineChoice> {
  if (options.requested === 'auto') return autoDetect(options);
  const adapter = engineAdapter(options.requested, options.binaries);
  const probe = await adapter.detect({ env: options.env, ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  if (options.signal?.aborted) throw new AbortedError();
  if (!probe.available) throw probe.error ?? new EngineError(`${adapter.name} cannot build: ${probe.reason}`);
  return { adapter, ...(probe.version ? { version: probe.version } : {}), requested: options.requested, tried: [`${adapter.name}: chosen — asked for; ${probe.reason}`] };
}
