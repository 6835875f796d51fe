import { readFile } from 'node:fs/promises';
import { AbortedError, EngineError } from '../errors/index.js';
import type { Redactor } from '../redaction/types.js';
import type { EngineMode } from './detect-engine.js';
import { runEngineChild } from './engine-child.js';

/** Options for {@link runEngine}. */
export interface RunEngineOptions {
  /** The docker binary. */
  readonly docker: string;
  /** `buildx` runs `docker buildx build`; `buildkit` runs `docker build` with `DOCKER_BUILDKIT=1`. Ignored when `command` is given. */
  readonly mode?: EngineMode;
  /**
   * The whole command from an engine adapter (binary first, `--iidfile` already in it), replacing
   * the docker command built from `docker`, `mode` and `args`: every engine runs through this one
   * spawn path, so process groups, signals and redaction are handled in one place.
   */
  readonly command?: { readonly argv: readonly string[]; readonly env: Readonly<Record<string, string>> };
  /** What the binary is called in errors (default `docker`). */
  readonly binaryKind?: string;
  /** How many argv words name the build in errors (`podman build` = 2; default from `mode`). */
  readonly verbWords?: number;
  /** Everything after `build`: the user's arguments, the injections' arguments, and the context last. */
  readonly args: readonly string[];
  /** The engine child's whole environment (the run's env plus the injections' env; values live only here). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory of the child. */
  readonly cwd?: string;
  /** Stops the build: SIGTERM to the child's process group, SIGKILL after `killGraceMs`. */
  readonly signal?: AbortSignal;
  /** Where the (redacted) stdout and stderr of the engine go; default `process.stderr`. Never ended. */
  readonly output?: NodeJS.WritableStream;
  /** Redacts the engine's output. */
  readonly redactor: Redactor;
  /** When set, `--iidfile <path>` is added and the image id is read from it. */
  readonly iidFile?: string;
  /** Grace between SIGTERM and SIGKILL on abort, in ms (default 10000). */
  readonly killGraceMs?: number;
  /** How long the output may stay open after the engine exits, in ms (default 5000): a grandchild can hold it. */
  readonly outputGraceMs?: number;
  /** Called with the child's pid once it runs (the CLI keeps it for a last-resort kill on exit). */
  readonly onSpawn?: (pid: number) => void;
}

/** A finished, successful engine run. */
export interface EngineRun {
  /** Always 0 (a failed build throws an {@link EngineError} carrying its exit code). */
  readonly exitCode: number;
  /** The image id from `--iidfile`, when requested and written. */
  readonly imageId?: string;
  /** The command that ran, values redacted. */
  readonly command: readonly string[];
}

/** The argv (binary first) and extra environment for a build in `mode`. */
export function engineCommand(docker: string, mode: EngineMode, args: readonly string[]): { argv: string[]; env: Record<string, string> } {
  const verb = mode === 'buildx' ? ['buildx', 'build'] : ['build'];
  return { argv: [docker, ...verb, ...args], env: mode === 'buildkit' ? { DOCKER_BUILDKIT: '1' } : {} };
}

/**
 * Run one build: spawned without a shell, in its own process group, with output redacted on the
 * way to `output`. Resolves with the image id; rejects with an {@link EngineError} (exit code
 * attached) when the build fails, or an {@link AbortedError} once the aborted child has exited.
 * The promise always settles: a hung child is SIGKILLed after the grace period.
 */
export async function runEngine(options: RunEngineOptions): Promise<EngineRun> {
  const args = options.iidFile ? ['--iidfile', options.iidFile, ...options.args] : [...options.args];
  const { argv, env } = options.command ?? engineCommand(options.docker, options.mode ?? 'buildkit', args);
  const command = argv.map((a) => options.redactor.redact(a));
  if (options.signal?.aborted) throw new AbortedError('the run was cancelled before the build started');
  const outcome = await runEngineChild({
    argv,
    env: { ...options.env, ...env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    name: 'engine',
    redactor: options.redactor,
    output: options.output ?? process.stderr,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
    ...(options.outputGraceMs !== undefined ? { outputGraceMs: options.outputGraceMs } : {}),
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  if ('error' in outcome) {
    const reason = outcome.error.code === 'ENOENT' ? 'was not found' : `could not be started (${outcome.error.code ?? 'unknown'})`;
    const kind = options.binaryKind ?? 'docker';
    throw new EngineError(`the ${kind} binary "${argv[0] ?? options.docker}" ${reason}`, {
      cause: outcome.error,
      hint: kind === 'docker' ? 'install Docker, or name the binary with --docker /path/to/docker or BUILDSECRETS_DOCKER' : `install ${kind}, or choose another engine with --engine`,
    });
  }
  // Stopped in time: no image. But an engine that finished before the stop arrived has built
  // (and maybe tagged) an image: return it, so the caller audits it before reporting the interruption.
  const finished = outcome.code === 0 && options.iidFile !== undefined && (await readFile(options.iidFile, 'utf8').catch(() => '')).trim() !== '';
  if (options.signal?.aborted && !finished) throw new AbortedError('the build was cancelled; the engine was stopped before it finished (no image)');
  if (outcome.code !== 0) {
    const exitCode = outcome.code ?? 1;
    const how = outcome.code === null ? `was killed by ${outcome.signal ?? 'a signal'}` : `exited with code ${exitCode}`;
    throw new EngineError(`the build failed: ${command.slice(0, options.verbWords ?? (options.mode === 'buildx' ? 3 : 2)).join(' ')} ${how}`, {
      exitCode,
      hint: 'see the build output above; secrets were removed from the host',
    });
  }
  const imageId = options.iidFile ? (await readFile(options.iidFile, 'utf8').catch(() => '')).trim() : '';
  return { exitCode: 0, command, ...(imageId ? { imageId } : {}) };
}
