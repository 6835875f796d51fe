import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretTempRoot, shredDirectory, TEMP_PREFIX } from '../util/temp-dir.js';

/** The directory of a podman/buildah build's record (`makeTempDir('containers')`, see `containers-record.ts`). */
const RECORD_DIR = `${TEMP_PREFIX}containers-`;

/** `buildsecrets-<prefix>-<owner pid>-<random>`, as `makeTempDir` names its directories. */
const OWNED_DIR = new RegExp(`^${TEMP_PREFIX}.+-(\\d+)-[A-Za-z0-9]{6}$`);

/** Where the watchdog leaves a note about an image built by a run killed before its audit. */
export function unauditedReportDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const state = env['XDG_STATE_HOME'] || join(env['HOME'] || homedir(), '.local', 'state');
  return join(state, 'buildsecrets', 'unaudited');
}

/** Seconds since the epoch when `pid` started, or undefined when there is no such process. */
async function processStart(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const boot = /^btime (\d+)$/m.exec(await readFile('/proc/stat', 'utf8').catch(() => ''))?.[1];
  // Fields after the command name (which may hold spaces) start at field 3; starttime is field 22.
  const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  if (boot === undefined || ticks === undefined) return 0;
  return Number(boot) + Number(ticks) / 100;
}

/**
 * Whether the run that made `dir` is gone: no process has its pid, or the process that has it
 * started after the directory was made (the pid was reused).
 */
export async function ownerGone(pid: number, dirMadeAtMs: number): Promise<boolean> {
  if (pid === process.pid) return false;
  const started = await processStart(pid);
  if (started === undefined) return true;
  return started * 1000 > dirMadeAtMs + 2_000;
}

/** What the start-up sweep did, for a log line. */
export interface StaleSweep {
  /** Directories of dead runs that were overwritten and removed. */
  readonly removed: readonly string[];
  /** Images built by a killed run and never audited (the watchdog's notes, now consumed). */
  readonly unaudited: readonly string[];
  /**
   * Run markers of podman/buildah builds whose clean-up a killed run left (it and its watchdog were
   * killed together) and this sweep finished: RUN step stopped, working containers with their
   * secret copies and bundles removed, /dev/shm copies of env-sourced values removed.
   */
  readonly engineBuilds: readonly string[];
}

/**
 * The start-up sweep: overwrite and remove every `buildsecrets-*` directory of this user whose
 * owning run is gone (its watchdog was killed too, or the machine went down), in the secret temp
 * root and the OS temp dir — first finishing the clean-up of a podman/buildah build recorded there
 * (see `containers-record.ts`); and collect the watchdog's notes about unaudited images. Never throws.
 */
export async function sweepStaleRuns(env: Readonly<Record<string, string | undefined>> = process.env): Promise<StaleSweep> {
  const removed: string[] = [];
  const engineBuilds: string[] = [];
  const uid = process.getuid?.();
  for (const root of new Set([secretTempRoot(env), tmpdir()])) {
    const names = await readdir(root).catch((): string[] => []);
    for (const name of names) {
      // A shared /tmp holds thousands of names: the cheap test first.
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const pid = Number(OWNED_DIR.exec(name)?.[1] ?? NaN);
      if (!Number.isInteger(pid)) continue;
      const path = join(root, name);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
      if (!(await ownerGone(pid, info.ctimeMs))) continue;
      if (name.startsWith(RECORD_DIR)) {
        // Loaded only here: the engine clean-up takes node:crypto and node:net, which `plan` (it
        // loads this module for the report directory) must not load.
        const { finishRecordedBuild } = await import('../engine/adapters/containers-record.js');
        const runId = await finishRecordedBuild(path);
        if (runId) engineBuilds.push(runId);
      }
      await shredDirectory(path);
      removed.push(path);
    }
  }
  const unaudited: string[] = [];
  const notes = unauditedReportDir(env);
  for (const name of await readdir(notes).catch((): string[] => [])) {
    const image = /^([0-9a-f]{64})\.json$/.exec(name)?.[1];
    if (image) unaudited.push(`sha256:${image}`);
    await rm(join(notes, name), { force: true }).catch(() => undefined);
  }
  return { removed, unaudited, engineBuilds };
}
