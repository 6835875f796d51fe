import type { ChildProcess } from 'node:child_process';
import { JANITOR_PROGRAM } from './janitor-program.js';

/** What the watchdog is told to look after. */
export type JanitorMessage =
  | { readonly op: 'path' | 'unpath' | 'result' | 'unresult' | 'image' | 'unimage' | 'reports'; readonly value: string }
  | { readonly op: 'group' | 'ungroup'; readonly value: number }
  | { readonly op: 'done' };

/** A started watchdog. */
export interface Janitor {
  /** The watchdog's pid (tests kill the parent and watch this one work). */
  readonly pid: number | undefined;
  /** Tell it about a resource, or that one is gone. Never throws. */
  send(message: JanitorMessage): void;
  /** The parent is exiting normally: the watchdog exits without touching anything. */
  release(): void;
}

/**
 * Start the watchdog process (its program: `janitor-program.ts`). It runs detached, in its own process
 * group, with an empty environment; its stdin is a pipe only this process holds (Node opens
 * pipes close-on-exec, so the engine and other children do not inherit the write end), and
 * neither the child nor the pipe keeps this process alive.
 */
export function startJanitor(): Janitor {
  let child: ChildProcess | undefined;
  try {
    // Loaded here, not imported: every CLI command installs the signal handlers that hold the
    // janitor, and `plan` never starts one (node:child_process is a costly built-in to load).
    const { spawn } = process.getBuiltinModule('node:child_process');
    child = spawn(process.execPath, ['-e', JANITOR_PROGRAM], { stdio: ['pipe', 'ignore', 'inherit'], detached: true, env: {}, windowsHide: true });
  } catch {
    child = undefined;
  }
  child?.on('error', () => undefined);
  child?.stdin?.on('error', () => undefined);
  child?.unref();
  (child?.stdin as { unref?: () => void } | null | undefined)?.unref?.();
  let released = false;
  const send = (message: JanitorMessage): void => {
    if (released || !child?.stdin?.writable) return;
    try {
      child.stdin.write(`${JSON.stringify(message)}\n`);
    } catch {
      // The watchdog died: the in-process teardown still runs.
    }
  };
  return {
    pid: child?.pid,
    send,
    release() {
      send({ op: 'done' });
      released = true;
      child?.stdin?.end();
    },
  };
}
