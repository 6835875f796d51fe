import { UsageError } from '@buildsecrets/core';

/** What the Action was asked to do, from the `INPUT_*` variables the runner sets. */
export interface ActionInputs {
  readonly config: string | undefined;
  readonly workingDirectory: string;
  readonly context: string;
  readonly file: string | undefined;
  readonly tags: readonly string[];
  readonly buildArgs: readonly string[];
  readonly extraArgs: readonly string[];
  readonly engine: string | undefined;
  readonly audit: string | undefined;
  readonly push: boolean;
  readonly plan: boolean;
  readonly sarifFile: string;
}

/**
 * One input as the runner names it: `INPUT_` + the name upper-cased with spaces as `_` (dashes
 * stay: `sarif-file` is `INPUT_SARIF-FILE`), trimmed; empty is absent.
 */
export function input(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim();
  return value ? value : undefined;
}

/** Non-empty lines of a multi-line input. */
function lines(value: string | undefined): string[] {
  return (value ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

/** The YAML 1.2 core booleans, as the toolkit's getBooleanInput takes them; anything else is an error. */
function bool(env: Readonly<Record<string, string | undefined>>, name: string, fallback: boolean): boolean {
  const value = input(env, name);
  if (value === undefined) return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new UsageError(`input ${name} must be true or false, not "${value}"`);
}

/** Read every input (defaults match action.yml). */
export function readInputs(env: Readonly<Record<string, string | undefined>>): ActionInputs {
  const temp = env['RUNNER_TEMP'] || env['TMPDIR'] || '/tmp';
  return {
    config: input(env, 'config'),
    workingDirectory: input(env, 'working-directory') ?? env['GITHUB_WORKSPACE'] ?? process.cwd(),
    context: input(env, 'context') ?? '.',
    file: input(env, 'file'),
    tags: lines(input(env, 'tags')),
    buildArgs: lines(input(env, 'build-args')),
    extraArgs: lines(input(env, 'extra-args')),
    engine: input(env, 'engine'),
    audit: input(env, 'audit'),
    push: bool(env, 'push', false),
    plan: bool(env, 'plan', true),
    sarifFile: input(env, 'sarif-file') ?? `${temp}/buildsecrets.sarif`,
  };
}
