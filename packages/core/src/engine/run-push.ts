import { readFile } from 'node:fs/promises';
import { AbortedError, EngineError } from '../errors/index.js';
import type { Redactor } from '../redaction/types.js';
import type { EngineCommand } from './engine-adapter.js';
import { runEngineChild } from './engine-child.js';

/** What {@link runPush} needs. */
export interface RunPushOptions {
  /** The adapter's push command (binary first). */
  readonly command: EngineCommand;
  /** The reference pushed, for messages. */
  readonly reference: string;
  /** The engine child's environment (the run's env; no secret values: the build's injections are gone). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Redacts everything the engine prints. */
  readonly redactor: Redactor;
  /** Where the redacted output goes; default `process.stderr`. Never ended. */
  readonly output?: NodeJS.WritableStream;
  /** Stops the push (process group SIGTERM, then SIGKILL after `killGraceMs`). */
  readonly signal?: AbortSignal;
  /** Grace between SIGTERM and SIGKILL, in ms (default 10000). */
  readonly killGraceMs?: number;
  /** Where the engine writes the digest (podman/buildah `--digestfile`). */
  readonly digestFile?: string;
  /** Called with the child's pid (exit cleanup hooks in here, as for the build). */
  readonly onSpawn?: (pid: number) => void;
}

/** A finished push. */
export interface PushRun {
  /** The reference pushed. */
  readonly reference: string;
  /** The manifest digest the registry stored (`sha256:…`). */
  readonly digest: string;
}

const DIGEST = /\bdigest: (sha256:[0-9a-f]{64})\b/;

/**
 * Run one engine push the way builds run (no shell, own process group, redacted output, SIGTERM
 * then SIGKILL on abort) and return the pushed digest: from `--digestfile` where the engine writes
 * one, else from docker's `TAG: digest: sha256:… size: N` line. A push that reports no digest is an
 * error: the caller cannot say what the registry holds.
 */
export async function runPush(options: RunPushOptions): Promise<PushRun> {
  const { argv, env } = options.command;
  if (options.signal?.aborted) throw new AbortedError('the run was cancelled before the push started; nothing was pushed');
  const shown = argv.slice(0, 2).map((a) => options.redactor.redact(a)).join(' ');
  let said = '';
  const outcome = await runEngineChild({
    argv,
    env: { ...options.env, ...env },
    name: 'push',
    redactor: options.redactor,
    output: options.output ?? process.stderr,
    // Only the tail matters (the digest line comes last); keep it bounded.
    onOutput: (chunk) => void (said = (said + chunk.toString('utf8')).slice(-8192)),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  if ('error' in outcome) {
    throw new EngineError(`the push could not start: "${argv[0] ?? ''}" ${outcome.error.code === 'ENOENT' ? 'was not found' : `failed (${outcome.error.code ?? 'unknown'})`}`, { cause: outcome.error });
  }
  if (options.signal?.aborted) throw new AbortedError(`the push of ${options.reference} was cancelled; the engine was stopped (a registry keeps no tag for an unfinished push)`);
  if (outcome.code !== 0) {
    const how = outcome.code === null ? `was killed by ${outcome.signal ?? 'a signal'}` : `exited with code ${outcome.code}`;
    throw new EngineError(`the push of ${options.reference} failed: ${shown} ${how}`, {
      hint: 'see the engine output above; log in to the registry with the engine\'s own login (docker login, podman login) — buildsecrets never handles registry credentials',
    });
  }
  const fromFile = options.digestFile ? (await readFile(options.digestFile, 'utf8').catch(() => '')).trim() : '';
  const digest = /^sha256:[0-9a-f]{64}$/.test(fromFile) ? fromFile : DIGEST.exec(said)?.[1];
  if (!digest) throw new EngineError(`the push of ${options.reference} finished but the engine reported no digest`, { hint: 'check the registry: the tag may have been written' });
  return { reference: options.reference, digest };
}
