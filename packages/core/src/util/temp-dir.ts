import { chmodSync, closeSync, existsSync, fsyncSync, lstatSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TempDir } from '../provider/types.js';
import { trackPath } from '../orchestrator/exit-cleanup.js';

/** Prefix of every directory buildsecrets makes; leftover checks look for it. */
export const TEMP_PREFIX = 'buildsecrets-';

/**
 * Where secret files go: `/dev/shm` (tmpfs, never hits a disk) when it is there and writable,
 * else the OS temp directory. `BUILDSECRETS_TMPDIR` overrides both (tests use it).
 */
export function secretTempRoot(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const override = env['BUILDSECRETS_TMPDIR'];
  if (override) return override;
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** Overwrite a file's bytes with zeros before unlinking, so the value does not linger in freed pages of a disk-backed temp dir. */
function overwrite(path: string): void {
  try {
    const info = lstatSync(path);
    if (!info.isFile() || info.size === 0) return;
    const fd = openSync(path, 'r+');
    try {
      writeSync(fd, Buffer.alloc(info.size), 0, info.size, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Already gone, or not a regular file (a socket): removing it is all that is left to do.
  }
}

/**
 * Overwrite every regular file under `dir` (recursively), then remove the tree. Idempotent.
 * Synchronous underneath: the run's directories hold a few small files on tmpfs, where each call
 * takes microseconds, and the teardown sits between the engine's exit and the audit; a dozen
 * thread-pool round trips cost more than the work.
 */
export async function shredDirectory(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return;
  }
  for (const name of entries) overwrite(join(dir, name));
  rmSync(dir, { recursive: true, force: true });
}

/** Make a fresh 0700 directory under {@link secretTempRoot}. */
export async function makeTempDir(prefix = 'run', env: Readonly<Record<string, string | undefined>> = process.env): Promise<TempDir> {
  // The owner's pid is in the name, so the start-up sweep can tell a dead run's directory from a live one's.
  // Synchronous: on tmpfs a mkdir and a chmod take microseconds, while each asynchronous call is a
  // thread-pool round trip on the build's path, queued behind the context walk and the sweep.
  const path = mkdtempSync(join(secretTempRoot(env), `${TEMP_PREFIX}${prefix}-${process.pid}-`));
  // mkdtemp already uses 0700; say so explicitly in case a umask or platform differs.
  chmodSync(path, 0o700);
  // Recorded for the exit-time sweep and the watchdog, which remove it if this process dies first.
  const forget = trackPath(path);
  let removed: Promise<void> | undefined;
  return {
    path,
    remove: () => (removed ??= shredDirectory(path).finally(forget)),
  };
}
