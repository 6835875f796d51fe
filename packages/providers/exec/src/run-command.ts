import { spawn } from 'node:child_process';

/** How one provider call ended. */
export interface RunOutcome {
  /** `exited`: the command finished (any code); the others: we stopped it, or it never started. */
  readonly kind: 'exited' | 'timeout' | 'aborted' | 'overflow' | 'spawn-error';
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Everything printed on stdout (never more than the cap). The caller wipes it. */
  readonly stdout: Buffer;
  /** The first {@link STDERR_KEEP} bytes of stderr. */
  readonly stderr: Buffer;
  /** errno code when the command could not be started (ENOENT, EACCES). */
  readonly spawnCode?: string;
}

/** What is kept of stderr before scrubbing; the message shows at most half of it. */
export const STDERR_KEEP = 8 * 1024;

/** After a kill, how long to wait for the exit before giving up on the process. */
const KILL_GRACE_MS = 2000;

/** Limits and environment for {@link runCommand}. */
export interface RunOptions {
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly signal: AbortSignal;
}

/**
 * Run `command args…` without a shell, in its own process group (`detached`), so a timeout or an
 * abort can kill it together with every process it started (`kill(-pid)`).
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outSize = 0;
    let errSize = 0;
    let stopped: RunOutcome['kind'] | undefined;
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const finish = (kind: RunOutcome['kind'], code: number | null, signal: NodeJS.Signals | null, spawnCode?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out);
      for (const b of out) b.fill(0);
      resolve({ kind, code, signal, stdout, stderr: Buffer.concat(err), ...(spawnCode ? { spawnCode } : {}) });
    };
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const stop = (kind: 'timeout' | 'aborted' | 'overflow'): void => {
      if (stopped || done) return;
      stopped = kind;
      killGroup();
      child.stdout.destroy();
      child.stderr.destroy();
      // A process that left the group (setsid) cannot be waited for forever.
      graceTimer = setTimeout(() => finish(kind, null, null), KILL_GRACE_MS);
    };
    const onAbort = (): void => stop('aborted');
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    if (options.signal.aborted) stop('aborted');
    else options.signal.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      outSize += chunk.length;
      if (outSize > options.maxOutputBytes) return stop('overflow');
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errSize < STDERR_KEEP) err.push(chunk.subarray(0, STDERR_KEEP - errSize));
      errSize += chunk.length;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) finish('spawn-error', null, null, error.code ?? 'EUNKNOWN');
    });
    child.on('close', (code, signal) => finish(stopped ?? 'exited', code, signal));
  });
}
