import type { EngineBuildRun, EngineCommand, EngineRunRequest } from '../engine-adapter.js';
import { runEngine } from '../run-engine.js';

/**
 * Every adapter's `run`: hand the adapter's command to {@link runEngine}, the one place that
 * spawns an engine (own process group, redacted output, SIGTERM→SIGKILL on abort, onSpawn for the
 * janitor). Adapters only decide the argv.
 */
export function runAdapterBuild(command: EngineCommand, request: EngineRunRequest, binaryKind: string, verbWords: number): Promise<EngineBuildRun> {
  return runEngine({
    docker: command.argv[0] ?? binaryKind,
    command,
    binaryKind,
    verbWords,
    args: request.args,
    env: request.env,
    redactor: request.redactor,
    ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.output ? { output: request.output } : {}),
    ...(request.iidFile !== undefined ? { iidFile: request.iidFile } : {}),
    ...(request.killGraceMs !== undefined ? { killGraceMs: request.killGraceMs } : {}),
    ...(request.onSpawn ? { onSpawn: request.onSpawn } : {}),
  });
}

/** `--iidfile <path>` when a path is given. */
export function iidArgs(iidFile: string | undefined): string[] {
  return iidFile ? ['--iidfile', iidFile] : [];
}
