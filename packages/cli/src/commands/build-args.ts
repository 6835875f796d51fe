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

/** `--push` / `--no-push`, with `--push-tls-verify=false` and `--push-cert-dir DIR` for podman and buildah. */
function pushFrom(values: ParsedArgs['values'], cwd: string): BuildOptions['push'] | undefined {
  const push = values['push'];
  const verify = values['push-tls-verify'];
  const certDir = values['push-cert-dir'];
  if (verify !== undefined && verify !== 'true' && verify !== 'false') throw new UsageError(`--push-tls-verify must be true or false, not "${String(verify)}"`);
  const settings = { ...(verify === 'false' ? { tlsVerify: false } : {}), ...(typeof certDir === 'string' ? { certDir: resolve(cwd, certDir) } : {}) };
  if (push === undefined && Object.keys(settings).length === 0) return undefined;
  if (push === false) return false;
  if (push !== true) throw new UsageError('--push-tls-verify and --push-cert-dir only apply with --push');
  return Object.keys(settings).length > 0 ? settings : true;
}

/** Turn the parsed command line of `buildsecrets build` into {@link BuildOptions}. */
export function buildOptionsFrom(args: ParsedArgs, cwd: string): Omit<BuildOptions, 'signal' | 'output'> {
  const { engineArgs, context } = splitContext(args.passthrough);
  const file = args.values['file'];
  const docker = args.values['docker'];
  const engine = engineFrom(args.values);
  const audit = auditFrom(args.values);
  const push = pushFrom(args.values, cwd);
  return {
    context: resolve(cwd, context),
    engineArgs,
    ...(typeof file === 'string' ? { dockerfile: file === '-' ? file : resolve(cwd, file) } : {}),
    ...(typeof docker === 'string' ? { docker } : {}),
    ...(engine ? { engine } : {}),
    ...(audit ? { audit } : {}),
    ...(push !== undefined ? { push } : {}),
    dryRun: args.values['dry-run'] === true,
  };
}
