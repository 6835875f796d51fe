import {
  AbortedError,
  InvalidSecretError,
  PluginLoadError,
  ProviderUnavailableError,
  SecretNotFoundError,
  TimeoutError,
  type BuildSecretsError,
  type SecretRequest,
} from '@buildsecrets/core';
import type { RunOutcome } from './run-command.js';
import { scrubStderr } from './scrub-stderr.js';

/** Wording summon-style providers commonly use on stderr when a secret does not exist. */
export const DEFAULT_NOT_FOUND = /not found|no such|does not exist|doesn't exist|unknown secret|no secret|not exist/i;

/** What the classifier needs to know besides the outcome. */
export interface ClassifyContext {
  readonly request: SecretRequest;
  readonly provider: string;
  readonly command: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly notFound: RegExp;
  /** Values that must be cut out of stderr before it is quoted. */
  readonly known: () => Iterable<string>;
}

/** Turn a failed call into a typed error that names the command and the secret id, never the value. */
export function classifyFailure(outcome: RunOutcome, ctx: ClassifyContext): BuildSecretsError {
  const { request, provider, command } = ctx;
  const base = { secretId: request.id, provider };
  if (outcome.kind === 'spawn-error') {
    const why = outcome.spawnCode === 'ENOENT' ? 'was not found' : outcome.spawnCode === 'EACCES' ? 'is not executable' : `could not be started (${outcome.spawnCode})`;
    return new PluginLoadError(`provider command "${command}" ${why}`, { ...base, hint: 'set `command` to an executable path, or a name on PATH' });
  }
  if (outcome.kind === 'aborted') return new AbortedError(`fetching secret "${request.id}" with "${command}" was cancelled`, base);
  if (outcome.kind === 'timeout') {
    return new TimeoutError(`provider command "${command}" did not answer for secret "${request.id}" within ${ctx.timeoutMs} ms; it and its child processes were killed`, {
      ...base,
      hint: 'raise `timeoutMs`, or check why the command hangs (is it waiting for input or a prompt?)',
    });
  }
  if (outcome.kind === 'overflow') {
    return new InvalidSecretError(`provider command "${command}" printed more than ${ctx.maxOutputBytes} bytes for secret "${request.id}" and was killed`, {
      ...base,
      hint: 'secrets over 500 KiB cannot reach a BuildKit build; raise `maxOutputBytes` only if the command prints extra output you strip with `key`',
    });
  }
  const known = [...ctx.known(), outcome.stdout.toString('utf8')];
  const stderr = scrubStderr(outcome.stderr, known);
  const status = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
  const detail = stderr ? `: ${stderr}` : '';
  if (outcome.code === 127 || outcome.code === 126) {
    return new PluginLoadError(`provider command "${command}" ${status} (${outcome.code === 127 ? 'command not found' : 'not executable'})${detail}`, {
      ...base,
      hint: 'check `command` and that the interpreter its first line names is installed',
    });
  }
  if (ctx.notFound.test(stderr)) {
    return new SecretNotFoundError(`provider command "${command}" found no secret ${JSON.stringify(request.ref)} for "${request.id}"${detail}`, {
      ...base,
      hint: 'check `ref` in the config',
    });
  }
  return new ProviderUnavailableError(`provider command "${command}" ${status} for secret "${request.id}"${detail}`, { ...base, retryable: false });
}
