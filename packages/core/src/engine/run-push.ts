import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { AbortedError, EngineError } from '../errors/index.js';
import type { Redactor } from '../redaction/types.js';
import type { EngineCommand } from './engine-adapter.js';
import { stopGroup } from './kill-group.js';

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

function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

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
  const output = options.output ?? process.stderr;
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...definedEnv(options.env), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true, windowsHide: true });
  const onAbort = (): void => stopGroup(child, options.killGraceMs ?? 10_000);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let said = '';
  const pipes = [child.stdout, child.stderr].map((source) => {
    const redacting = options.redactor.createStream();
    source.pipe(redacting);
    source.once('close', () => {
      if (!redacting.writableEnded) redacting.end();
    });
    redacting.on('data', (chunk: Buffer) => {
      // Only the tail matters (the digest line comes last); keep it bounded.
      said = (said + chunk.toString('utf8')).slice(-8192);
    });
    redacting.pipe(output, { end: false });
    return finished(redacting).catch(() => undefined);
  });
  try {
    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException }>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ error }));
      child.once('close', (code, signal) => resolve({ code, signal }));
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    await Promise.all(pipes);
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
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
