import { execFile } from 'node:child_process';

/** What a short, bounded docker query returned. */
export interface CaptureResult {
  /** Exit code (null when killed by a signal or the timeout). */
  readonly code: number | null;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Set when the process could not be started at all (e.g. `ENOENT`). */
  readonly spawnError?: NodeJS.ErrnoException;
}

/** Options for {@link capture}. */
export interface CaptureOptions {
  /** Full environment of the child. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Cancels the query. */
  readonly signal?: AbortSignal;
  /** Upper bound in milliseconds; a daemon that hangs must not hang us (default 15000). */
  readonly timeoutMs?: number;
}

/**
 * Run a short command without a shell and collect its output. Never rejects: the caller turns
 * each outcome into a typed error, so every path (missing binary, timeout, abort) is handled once.
 */
export function capture(file: string, args: readonly string[], options: CaptureOptions): Promise<CaptureResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { env: options.env, signal: options.signal, timeout: options.timeoutMs ?? 15_000, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const errno = error as NodeJS.ErrnoException & { code?: unknown };
        if (typeof errno.code === 'string' && errno.code !== 'ABORT_ERR' && errno.syscall?.startsWith('spawn')) {
          return resolve({ code: null, stdout, stderr, spawnError: errno });
        }
        const code = typeof errno.code === 'number' ? errno.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
