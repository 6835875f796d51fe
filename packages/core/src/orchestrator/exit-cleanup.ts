import { rmSync } from 'node:fs';
import type { ContainersBuildWatch, Janitor } from '../janitor/janitor.js';

/**
 * Last-resort cleanup for a process that exits before its `finally` blocks finish (a second
 * Ctrl-C, an uncaught error). The build runner records every temp path it hands out and the engine
 * child's process group here; {@link sweepSync} removes and kills them synchronously, the only
 * kind of work a `process.on('exit')` handler can do. Recording is harmless for library users:
 * nothing is swept unless the CLI installs the sweep (see `handleSignals`).
 */
const paths = new Set<string>();
const groups = new Set<number>();
const containerBuilds = new Map<string, ContainersBuildWatch>();
let janitor: Janitor | undefined;
let startJanitorLazily: (() => Janitor) | undefined;

/**
 * Mirror every recorded path and process group to a watchdog process (see `startJanitor`), which
 * cleans them up if this process dies without running any handler (SIGKILL, the OOM killer).
 * The watchdog is started by `start` when the first resource is recorded (a command that never
 * writes a secret never starts one). Returns the function that detaches and releases it.
 */
export function attachJanitor(start: () => Janitor): () => void {
  startJanitorLazily = start;
  if (paths.size > 0 || groups.size > 0 || containerBuilds.size > 0) watchdog();
  return () => {
    startJanitorLazily = undefined;
    janitor?.release();
    janitor = undefined;
  };
}

/**
 * Start the watchdog now rather than when the first resource is recorded: a build calls this as it
 * starts resolving, so the watchdog's own start-up (a Node process) overlaps the engine probe and the
 * resolution instead of delaying the engine. Does nothing unless a watchdog is attached (the CLI).
 */
export function startWatchdogEarly(): void {
  watchdog();
}

function watchdog(): Janitor | undefined {
  if (janitor || !startJanitorLazily) return janitor;
  janitor = startJanitorLazily();
  for (const path of paths) janitor.send({ op: 'path', value: path });
  for (const pid of groups) janitor.send({ op: 'group', value: pid });
  for (const watch of containerBuilds.values()) janitor.send({ op: 'containers', value: watch });
  return janitor;
}

/** Remember a file, directory or socket to remove if the process exits early; returns the "forget" function. */
export function trackPath(path: string): () => void {
  paths.add(path);
  watchdog()?.send({ op: 'path', value: path });
  return () => {
    paths.delete(path);
    janitor?.send({ op: 'unpath', value: path });
  };
}

/** Remember a detached child (a process-group leader) to SIGKILL if the process exits early. */
export function trackProcessGroup(pid: number): () => void {
  groups.add(pid);
  watchdog()?.send({ op: 'group', value: pid });
  return () => {
    groups.delete(pid);
    janitor?.send({ op: 'ungroup', value: pid });
  };
}

/**
 * Remember the file where the engine writes its result (an image id): if the process is killed
 * after the engine finished and before the audit, the watchdog reports that image as unaudited.
 */
export function trackEngineResult(path: string): () => void {
  watchdog()?.send({ op: 'result', value: path });
  return () => janitor?.send({ op: 'unresult', value: path });
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

/**
 * Remember an image the engine built that is not audited yet (the engine's result file is gone by
 * then): if the process is killed during the audit, the watchdog reports it.
 */
export function trackUnauditedImage(imageId: string): () => void {
  watchdog()?.send({ op: 'image', value: imageId });
  return () => janitor?.send({ op: 'unimage', value: imageId });
}

/**
 * Remember a podman/buildah build whose leftovers (working containers with secret copies, runtime
 * bundles, /dev/shm copies of env-sourced values) the watchdog must remove if this process is
 * killed outright; returns the "forget" function, to call once the in-process clean-up is done.
 */
export function trackContainersBuild(watch: ContainersBuildWatch): () => void {
  containerBuilds.set(watch.runId, watch);
  watchdog()?.send({ op: 'containers', value: watch });
  return () => {
    containerBuilds.delete(watch.runId);
    janitor?.send({ op: 'uncontainers', value: watch.runId });
  };
}
