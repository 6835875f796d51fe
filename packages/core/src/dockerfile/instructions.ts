import type { LogicalInstruction } from './logical-lines.js';
import { parseMount } from './mounts.js';
import { extractBuilderFlags, isExecForm, parseFlagWord } from './run-flags.js';
import type {
  ArgDeclaration, DockerfileDiagnostic, DockerfileLocation, DockerfileStage, EnvDeclaration, EscapeChar, RunInstruction, SecretMount, SshMount,
} from './types.js';
import { splitWords, unquoteWord } from './words.js';

/** What the instruction handlers accumulate. */
export interface AnalysisState {
  readonly escape: EscapeChar;
  readonly stages: DockerfileStage[];
  readonly runs: RunInstruction[];
  readonly args: ArgDeclaration[];
  readonly envs: EnvDeclaration[];
  readonly diagnostics: DockerfileDiagnostic[];
}

const RUN_FLAGS = new Set(['mount', 'network', 'security']);

function locate(state: AnalysisState, line: number): DockerfileLocation {
  const stage = state.stages.at(-1);
  return { line, stage: stage ? stage.index : -1, stageName: stage?.name };
}

function diagnose(state: AnalysisState, severity: 'error' | 'warning', code: string, message: string, line: number): void {
  state.diagnostics.push({ severity, code, message, line });
}

/** `FROM [--platform=…] image [AS name]`. */
export function handleFrom(state: AnalysisState, ins: LogicalInstruction): void {
  const words = splitWords(ins.args, state.escape).filter((w) => !w.startsWith('--'));
  const base = words[0] ?? '';
  if (!base) diagnose(state, 'error', 'invalid-from', 'FROM needs a base image', ins.line);
  let name: string | undefined;
  if (words.length >= 3 && words[1]!.toLowerCase() === 'as') name = unquoteWord(words[2]!, state.escape).toLowerCase();
  else if (words.length > 1) diagnose(state, 'error', 'invalid-from', 'FROM takes an image and an optional "AS name"', ins.line);
  state.stages.push({ index: state.stages.length, name, base, line: ins.line });
}

/** `ARG a`, `ARG a=1 b c="x y"`: names only, defaults are not kept. */
export function handleArg(state: AnalysisState, ins: LogicalInstruction): void {
  const words = splitWords(ins.args, state.escape);
  if (words.length === 0) diagnose(state, 'error', 'invalid-arg', 'ARG needs at least one name', ins.line);
  for (const word of words) {
    const eq = word.indexOf('=');
    const name = unquoteWord(eq < 0 ? word : word.slice(0, eq), state.escape);
    if (!name) {
      diagnose(state, 'error', 'invalid-arg', 'ARG has an empty name', ins.line);
      continue;
    }
    state.args.push({ ...locate(state, ins.line), name, hasDefault: eq >= 0 });
  }
}

/** `ENV a=b c=d` or the legacy `ENV a b c` (one name, the rest is its value). */
export function handleEnv(state: AnalysisState, ins: LogicalInstruction): void {
  const words = splitWords(ins.args, state.escape);
  if (words.length === 0) {
    diagnose(state, 'error', 'invalid-env', 'ENV needs a name and a value', ins.line);
    return;
  }
  if (!words[0]!.includes('=')) {
    if (words.length < 2) diagnose(state, 'error', 'invalid-env', 'ENV needs a name and a value', ins.line);
    state.envs.push({ ...locate(state, ins.line), name: unquoteWord(words[0]!, state.escape) });
    return;
  }
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      diagnose(state, 'error', 'invalid-env', 'ENV in name=value form needs "=" in every word', ins.line);
      continue;
    }
    state.envs.push({ ...locate(state, ins.line), name: unquoteWord(word.slice(0, eq), state.escape) });
  }
}

/** `RUN [--mount=…]… [--network=…] [--security=…] command`. */
export function handleRun(state: AnalysisState, ins: LogicalInstruction): void {
  const where = locate(state, ins.line);
  const { flags, rest } = extractBuilderFlags(ins.args);
  const secretMounts: SecretMount[] = [];
  const sshMounts: SshMount[] = [];
  let network: string | undefined;
  let security: string | undefined;
  for (const word of flags) {
    const flag = parseFlagWord(word);
    if (!RUN_FLAGS.has(flag.name)) {
      // A newer or labs frontend may know it (e.g. --device); the mounts are still read.
      diagnose(state, 'warning', 'unknown-flag', `unknown RUN flag "--${flag.name}"`, ins.line);
      continue;
    }
    if (flag.value === undefined) {
      diagnose(state, 'error', 'invalid-flag', `RUN flag "--${flag.name}" needs a value (--${flag.name}=…)`, ins.line);
      continue;
    }
    if (flag.name === 'network') network = flag.value;
    else if (flag.name === 'security') security = flag.value;
    else {
      const mount = parseMount(flag.value, (key) => diagnose(state, 'warning', 'unknown-mount-option', `unknown --mount option "${key}"`, ins.line));
      if (mount.kind === 'invalid') diagnose(state, 'error', mount.code, mount.message, ins.line);
      else if (mount.kind === 'secret') {
        secretMounts.push({ ...where, id: mount.id, target: mount.target, required: mount.required, mode: mount.mode, env: mount.env });
        if (/\$/.test(mount.id)) diagnose(state, 'warning', 'dynamic-mount-id', `secret mount id "${mount.id}" uses a variable; it cannot be checked before the build`, ins.line);
      } else if (mount.kind === 'ssh') {
        sshMounts.push({ ...where, id: mount.id, target: mount.target, required: mount.required, mode: mount.mode });
        if (/\$/.test(mount.id)) diagnose(state, 'warning', 'dynamic-mount-id', `ssh mount id "${mount.id}" uses a variable; it cannot be checked before the build`, ins.line);
      }
    }
  }
  if (rest.trim() === '' && ins.heredocs === 0) diagnose(state, 'error', 'empty-run', 'RUN needs a command', ins.line);
  state.runs.push({ ...where, form: isExecForm(rest) ? 'exec' : 'shell', network, security, secretMounts, sshMounts, heredocs: ins.heredocs });
}
