import type { StageSelection } from '../dockerfile/stage-graph.js';

/**
 * Read `--target` and `--build-arg` out of the user's `docker build` arguments, the way the docker
 * CLI reads them (`--target x` or `--target=x`, the last one wins; `--build-arg K=V`, and a bare
 * `--build-arg K` takes `K` from the environment or is dropped when unset).
 */
export function stageSelectionFromArgs(engineArgs: readonly string[], env: Readonly<Record<string, string | undefined>>): StageSelection {
  let target: string | undefined;
  const buildArgs = new Map<string, string>();
  for (let i = 0; i < engineArgs.length; i++) {
    const arg = engineArgs[i]!;
    let flag = arg;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      flag = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    }
    if (flag !== '--target' && flag !== '--build-arg') continue;
    if (value === undefined) value = engineArgs[++i];
    if (value === undefined) break;
    if (flag === '--target') target = value;
    else {
      const sep = value.indexOf('=');
      if (sep > 0) buildArgs.set(value.slice(0, sep), value.slice(sep + 1));
      else if (env[value] !== undefined) buildArgs.set(value, env[value]!);
    }
  }
  return { ...(target !== undefined ? { target } : {}), buildArgs };
}
