import type { ChildProcess } from 'node:child_process';

/**
 * Send `signal` to the child's whole process group (it was spawned detached, so it leads one):
 * `docker buildx build` runs the buildx plugin as its own child, which must stop too.
 * Falls back to the child alone where groups are not available. Never throws.
 */
export function killGroup(child: Pick<ChildProcess, 'pid' | 'kill'>, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform !== 'win32') {
      process.kill(-child.pid, signal);
      return;
    }
  } catch {
    // ESRCH: the group is already gone; fall through to the direct kill, which is harmless.
  }
  try {
    child.kill(signal);
  } catch {
    // Already exited.
  }
}

/** Stop a child: SIGTERM to its group now, SIGKILL after `graceMs` unless it exited first. */
export function stopGroup(child: ChildProcess, graceMs: number): void {
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}
