import { resolve } from 'node:path';
import { ENGINE_NAMES, parseAuditMode, parseBaseLayersPolicy, UsageError, type BuildOptions } from '@buildsecrets/core';
import type { ParsedArgs } from '../args.js';

/**
 * `docker build` options that take their value as the next word. Needed to tell the context (the
 * last positional) from the value of a trailing flag: in `-t app .` the context is `.`, in
 * `. -t app` there is none after `app`, and `app` must not be taken for one.
 */
const DOCKER_VALUE_FLAGS = new Set([
  '-t', '--tag', '--build-arg', '--target', '--platform', '--network', '--progress', '--label', '--cache-from', '--cache-to',
  '-o', '--output', '--secret', '--ssh', '--add-host', '--iidfile', '--shm-size', '-m', '--memory', '--memory-swap', '--cpu-shares',
  '--cpuset-cpus', '--cpuset-mems', '--cpu-period', '--cpu-quota', '--ulimit', '--isolation', '--cgroup-parent', '--metadata-file',
  '--builder', '--allow', '--attest', '--annotation', '--build-context', '--security-opt', '--call',
]);

/** Split the passthrough words into docker's own arguments and the build context (the last positional). */
export function splitContext(words: readonly string[]): { engineArgs: string[]; context: string } {
  const last = words.at(-1);
  const before = words.at(-2);
  const isContext = last !== undefined && !last.startsWith('-') && !(before !== undefined && DOCKER_VALUE_FLAGS.has(before));
  if (!isContext) {
    throw new UsageError('missing the build context (the last argument, for example `.`)', { hint: 'usage: buildsecrets build [options] [docker build args] CONTEXT' });
  }
  return { engineArgs: words.slice(0, -1), context: last };
}

/** `--audit fail|warn|off` (true/false mean fail/off), `--no-audit` (= off) and `--base-layers fail|warn|ignore`. */
function auditFrom(values: ParsedArgs['values']): BuildOptions['audit'] | undefined {
  const raw = values['audit'];
  const mode = values['no-audit'] === true ? 'off' : raw === undefined ? undefined : parseAuditMode(raw, '--audit');
  const base = values['base-layers'];
  const baseLayers = base === undefined ? undefined : parseBaseLayersPolicy(base, '--base-layers');
  if (baseLayers === undefined) return mode;
  return { ...(mode ? { mode } : {}), baseLayers };
}

function engineFrom(values: ParsedArgs['values']): BuildOptions['engine'] | undefined {
  const engine = values['engine'];
  if (engine === undefined) return undefined;
  if (engine === 'auto' || (ENGINE_NAMES as readonly unknown[]).includes(engine)) return engine as BuildOptions['engine'];
  throw new UsageError(`--engine must be auto or one of ${ENGINE_NAMES.join(', ')}, not "${String(engine)}"`);
}

/** Turn the parsed command line of `buildsecrets build` into {@link BuildOptions}. */
export function buildOptionsFrom(args: ParsedArgs, cwd: string): Omit<BuildOptions, 'signal' | 'output'> {
  const { engineArgs, context } = splitContext(args.passthrough);
  const file = args.values['file'];
  const docker = args.values['docker'];
  const engine = engineFrom(args.values);
  const audit = auditFrom(args.values);
  return {
    context: resolve(cwd, context),
    engineArgs,
    ...(typeof file === 'string' ? { dockerfile: file === '-' ? file : resolve(cwd, file) } : {}),
    ...(typeof docker === 'string' ? { docker } : {}),
    ...(engine ? { engine } : {}),
    ...(audit ? { audit } : {}),
    dryRun: args.values['dry-run'] === true,
  };
}
