import { spawn } from 'node:child_process';
import { finished } from 'node:stream/promises';
import type { Redactor } from '../redaction/types.js';
import { stopGroup } from './kill-group.js';
import { profileMark } from '../util/profile.js';

/** How long the engine's output may stay open after the engine exits (a lingering grandchild). */
const STDIO_LINGER_MS = 5_000;

/** What {@link runEngineChild} needs. */
export interface EngineChildOptions {
  /** Binary first; never run through a shell. */
  readonly argv: readonly string[];
  /** The child's whole environment (`undefined` entries are left out). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory of the child. */
  readonly cwd?: string;
  /** Names the child in profile marks (`engine`, `push`). */
  readonly name: string;
  /** Redacts everything the child prints. */
  readonly redactor: Redactor;
  /** Where the redacted stdout and stderr go. Never ended. */
  readonly output: NodeJS.WritableStream;
  /** Also sees each redacted chunk (a push reads its digest line from it). */
  readonly onOutput?: (chunk: Buffer) => void;
  /** Stops the child: SIGTERM to its process group, SIGKILL after `killGraceMs`. */
  readonly signal?: AbortSignal;
  /** Grace between SIGTERM and SIGKILL, in ms (default 10000). */
  readonly killGraceMs?: number;
  /** How long the output may stay open after the child exits, in ms (default 5000): a grandchild can hold it. */
  readonly outputGraceMs?: number;
  /** Called with the child's pid once it runs. */
  readonly onSpawn?: (pid: number) => void;
}

/** How the child ended: its exit code or signal, or the error that kept it from starting. */
export type EngineChildOutcome = { readonly code: number | null; readonly signal: NodeJS.Signals | null } | { readonly error: NodeJS.ErrnoException };

function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Run one engine process the way every build and push runs: no shell, its own process group
 * (stopped as a group on abort), output redacted on the way to `output`. Settles once the child
 * has exited and its output is flushed; a grandchild holding the output open is cut off after
 * `outputGraceMs`. The caller reads the outcome (and any result files).
 */
export async function runEngineChild(options: EngineChildOptions): Promise<EngineChildOutcome> {
  const child = spawn(options.argv[0]!, options.argv.slice(1), {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: definedEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    windowsHide: true,
  });
  profileMark(`${options.name}: spawned`);
  const onAbort = (): void => stopGroup(child, options.killGraceMs ?? 10_000);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const pipes = [child.stdout, child.stderr].map((source) => {
      const redacting = options.redactor.createStream();
      source.pipe(redacting);
      // A destroyed source does not end its pipe; end it here so the flush (and this promise) always happens.
      source.once('close', () => {
        if (!redacting.writableEnded) redacting.end();
      });
      if (options.onOutput) redacting.on('data', options.onOutput);
      redacting.pipe(options.output, { end: false });
      return finished(redacting).catch(() => undefined);
    });
    // A grandchild that inherited stdout could keep the pipes open forever after the child exits.
    child.once('exit', () => {
      profileMark(`${options.name}: exited`);
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, options.outputGraceMs ?? STDIO_LINGER_MS).unref();
    });
    const outcome = await new Promise<EngineChildOutcome>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ error }));
      child.once('close', (code, signal) => resolve({ code, signal }));
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    await Promise.all(pipes);
    return outcome;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
