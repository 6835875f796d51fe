import { isAbsolute, resolve as resolvePath } from 'node:path';
import {
  AbortedError,
  BuildSecretsError,
  createLimiter,
  extractKey,
  InvalidSecretError,
  SecretValue,
  secretFailed,
  secretOk,
  type ProviderContext,
  type SecretProvider,
  type SecretRequest,
  type SecretResult,
} from '@buildsecrets/core';
import { classifyFailure, DEFAULT_NOT_FOUND } from './classify-outcome.js';
import type { ExecOptions } from './options.js';
import { runCommand } from './run-command.js';

function checkRef(request: SecretRequest, provider: string): void {
  const refuse = (why: string): never => {
    throw new InvalidSecretError(`secret "${request.id}": ref ${why}`, { secretId: request.id, provider });
  };
  if (request.ref.length === 0) refuse('is empty');
  if (request.ref.includes('\0')) refuse('contains a NUL byte');
  // The ref is the last argument: one starting with "-" would be read as an option by most tools.
  if (request.ref.startsWith('-')) refuse('starts with "-", which the command would take for an option');
  if (request.version !== undefined) refuse('has a `version`, which summon-style providers cannot pin');
}

function dropNewline(bytes: Buffer): Buffer {
  if (bytes.at(-1) !== 0x0a) return bytes;
  return bytes.subarray(0, bytes.at(-2) === 0x0d ? -2 : -1);
}

/** Make the exec provider: each request runs `command ...args ref` and takes stdout as the value. */
export function createExecProvider(options: ExecOptions, context: ProviderContext): SecretProvider {
  const provider = context.instanceName;
  const command = options.command.includes('/') && !isAbsolute(options.command) ? resolvePath(context.baseDir, options.command) : options.command;
  const env: Record<string, string> = { PATH: context.env['PATH'] ?? process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' };
  for (const name of options.env) {
    const value = context.env[name];
    if (value !== undefined) env[name] = value;
  }
  const passedValues = Object.entries(env).filter(([k]) => k !== 'PATH').map(([, v]) => v);
  const notFound = options.notFoundPattern ? new RegExp(options.notFoundPattern, 'i') : DEFAULT_NOT_FOUND;
  const limit = createLimiter(options.concurrency);
  // Values this instance has produced, so a later failing call cannot echo one into an error.
  const resolved = new Set<string>();
  // dispose() stops commands still running, so none outlives the run.
  const disposed = new AbortController();

  const one = async (request: SecretRequest, signal: AbortSignal): Promise<SecretResult> => {
    checkRef(request, provider);
    if (signal.aborted) throw new AbortedError(undefined, { secretId: request.id, provider });
    const outcome = await runCommand(command, [...options.args, request.ref], {
      env,
      cwd: context.baseDir,
      timeoutMs: options.timeoutMs,
      maxOutputBytes: options.maxOutputBytes,
      signal,
    });
    try {
      if (outcome.kind !== 'exited' || outcome.code !== 0) {
        throw classifyFailure(outcome, {
          request,
          provider,
          command: options.command,
          timeoutMs: options.timeoutMs,
          maxOutputBytes: options.maxOutputBytes,
          notFound,
          known: () => [...resolved, ...passedValues],
        });
      }
      const value = SecretValue.from(options.trimTrailingNewline ? dropNewline(outcome.stdout) : outcome.stdout);
      if (!value.isEmpty) resolved.add(value.revealString());
      if (request.key === undefined) return secretOk(request.id, value);
      return secretOk(request.id, extractKey(value, request.key, { secretId: request.id, provider }));
    } finally {
      outcome.stdout.fill(0);
    }
  };

  return {
    async resolve(requests, callerSignal) {
      const signal = AbortSignal.any([callerSignal, disposed.signal]);
      return Promise.all(
        requests.map((request) =>
          limit(() => one(request, signal)).catch((error: unknown) => {
            if (error instanceof BuildSecretsError) return secretFailed(request.id, error);
            throw error;
          }),
        ),
      );
    },
    // Only the command and the ref: `args` may carry interpolated credentials.
    describe: (request) => `${options.command}${options.args.length > 0 ? ' …' : ''} ${request.ref}`,
    dispose() {
      disposed.abort();
      resolved.clear();
    },
  };
}
