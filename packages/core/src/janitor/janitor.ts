import type { ChildProcess } from 'node:child_process';
import { JANITOR_PROGRAM } from './janitor-program.js';

/** What the watchdog is told to look after. */
export type JanitorMessage =
  | { readonly op: 'path' | 'unpath' | 'result' | 'unresult' | 'image' | 'unimage' | 'reports'; readonly value: string }
  | { readonly op: 'group' | 'ungroup'; readonly value: number }
  | { readonly op: 'containers'; readonly value: ContainersBuildWatch }
  | { readonly op: 'uncontainers'; readonly value: string }
  | { readonly op: 'done' };

/**
 * A `--secret …,env=NAME` value as the watchdog may know it: its size and a salted SHA-256 of it,
 * enough to recognise the engine's copy in /dev/shm, not to recover the value.
 */
export interface EnvCopyFingerprint {
  /** The value's length in bytes (UTF-8). */
  readonly size: number;
  /** Random salt of this run, hex. */
  readonly salt: string;
  /** `sha256(salt bytes ‖ value bytes)`, hex. */
  readonly digest: string;
}

/**
 * What the watchdog needs to finish one podman/buildah build's clean-up if the parent is killed
 * outright — nothing secret: the run marker, where the engine is and which storage it uses (a
 * handful of storage-related variables, never the engine's whole environment, which holds
 * `source: env` values), where its runtime bundles go, and fingerprints of the env-sourced values.
 */
export interface ContainersBuildWatch {
  /** The `BUILDSECRETS_RUN_ID` build arg of this build's working containers (random, not secret). */
  readonly runId: string;
  /** Which engine made them. */
  readonly kind: 'podman' | 'buildah';
  /** The engine binary's absolute path (the watchdog has no PATH of its own). */
  readonly binary: string;
  /** The storage-related variables the engine ran with (`CONTAINERS_STORAGE_CONF`, `HOME`, `PATH`, …). */
  readonly env: Readonly<Record<string, string>>;
  /** Where the engine puts its runtime bundles (its `TMPDIR`, default /var/tmp). */
  readonly bundleDir: string;
  /** The env-sourced secret values of this build, as fingerprints. */
  readonly envCopies: readonly EnvCopyFingerprint[];
}

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
