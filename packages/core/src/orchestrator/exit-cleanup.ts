import { rmSync } from 'node:fs';

/**
 * Last-resort cleanup for a process that exits before its `finally` blocks finish (a second
 * Ctrl-C, an uncaught error). The build runner records every temp path it hands out and the engine
 * child's process group here; {@link sweepSync} removes and kills them synchronously, the only
 * kind of work a `process.on('exit')` handler can do. Recording is harmless for library users:
 * nothing is swept unless the CLI installs the sweep (see `handleSignals`).
 */
const paths = new Set<string>();
const groups = new Set<number>();

/** Remember a file, directory or socket to remove if the process exits early; returns the "forget" function. */
export function trackPath(path: string): () => void {
  paths.add(path);
  return () => {
    paths.delete(path);
  };
}

/** Remember a detached child (a process-group leader) to SIGKILL if the process exits early. */
export function trackProcessGroup(pid: number): () => void {
  groups.add(pid);
  return () => {
    groups.delete(pid);
  };
}

/** What is currently recorded (for tests and `--verbose`). */
export function trackedResources(): { readonly paths: readonly string[]; readonly processGroups: readonly number[] } {
  return { paths: [...paths], processGroups: [...groups] };
}

/**
 * Kill every recorded process group and remove every recorded path, synchronously. Never throws.
 * Files are removed without the zero-overwrite of the async teardown: there is no time for it, and
 * secret files live on tmpfs.
 */
export function sweepSync(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  groups.clear();
  for (const path of paths) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while exiting.
    }
  }
  paths.clear();
}
