// The spill guard (vitest globalSetup, see vitest.config.ts): a test run leaves nothing in the
// places outside its own temp dir where a build spills secret copies — /dev/shm (the product's
// default secret temp root; podman/buildah's copy of an `env=` secret), /var/tmp (buildah's runtime
// bundles, whose config.json holds a RUN step's environment, and its ssh-agent proxy sockets) and
// the containers store's working containers (their `userdata/secrets` hold copies of the secret
// mounts). It lists them when the run starts and again when it ends; an entry that appeared and is
// still there fails the run, named with its kind and size, never its content.
//
// Content-blind on purpose: a test value can take any shape (`canary-…`, `tok-…`, an ssh key), and
// what an engine leaves after an interrupted build is a bug to fix even when it holds no value — the
// podman /dev/shm copies and the ssh socket directories were both found as stray entries.
//
// These places are shared by the whole machine. In CI nothing else runs; on a developer's machine
// another checkout's test run may be writing there at the same time, and then its entries cannot be
// told from ours: with another live run the guard reports instead of failing (the temp-dir guard
// keeps its private directory per run and stays strict).
import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { processGone, RUN_TEMP_PREFIX } from './temp-dir-guard.js';

/** Where builds spill; `BS_SPILL_DIRS` (colon-separated) replaces the list, for the guard's own self-test. */
export const DEFAULT_SPILL_DIRS: readonly string[] = ['/dev/shm', '/var/tmp', '/var/lib/containers/storage/overlay-containers'];

/**
 * Entries that belong there: state a tool keeps on purpose across runs, created once. Only
 * third-party state belongs here — a product or test leftover is a bug to fix, never an entry to add.
 */
export const RESIDENTS: readonly { path: RegExp; why: string }[] = [
  { path: /^\/dev\/shm\/libpod_lock$/, why: "podman's lock table, made by its first command and kept for every later one" },
  { path: /^\/var\/tmp\/buildah-cache-\d+$/, why: "buildah's blob cache, kept across builds" },
  { path: /\/overlay-containers\/containers\.(json|lock)$/, why: "the containers store's own index and lock, made by its first use" },
];

/**
 * One listing: each watched directory's entry names. By name, not inode: a store rewrites its index
 * by renaming a new file over it, and that is not a new entry.
 */
export type SpillSnapshot = ReadonlyMap<string, ReadonlySet<string>>;

export function snapshotSpillDirs(dirs: readonly string[]): SpillSnapshot {
  const snapshot = new Map<string, Set<string>>();
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // Not on this machine (no podman store): nothing can spill there.
    }
    snapshot.set(dir, new Set(names));
  }
  return snapshot;
}

function describeEntry(path: string): string {
  try {
    const info = lstatSync(path);
    if (info.isDirectory()) {
      let count = 0;
      try {
        count = readdirSync(path).length;
      } catch {
        // Unreadable: named without a count.
      }
      return `${path}/ (directory, ${count} entr${count === 1 ? 'y' : 'ies'})`;
    }
    const kind = info.isFile() ? 'file' : info.isSymbolicLink() ? 'symlink' : info.isSocket() ? 'socket' : 'other';
    return `${path} (${kind}, ${info.size} bytes, mode ${(info.mode & 0o7777).toString(8)})`;
  } catch {
    return path;
  }
}

/** Entries present in `after` that were not in `before`, but residents, each described. */
export function newSpills(before: SpillSnapshot, after: SpillSnapshot): string[] {
  const found: string[] = [];
  for (const [dir, names] of after) {
    const earlier = before.get(dir) ?? new Set<string>();
    for (const name of names) {
      const path = join(dir, name);
      if (earlier.has(name) || RESIDENTS.some((r) => r.path.test(path))) continue;
      found.push(describeEntry(path));
    }
  }
  return found.sort();
}

/** Other test runs alive now (by their temp-dir guard directories in the shared temp root). */
export function otherLiveRuns(root: string, ownPid: number = process.pid): number[] {
  const pids = new Set<number>();
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  for (const name of names) {
    const pid = Number(new RegExp(`^${RUN_TEMP_PREFIX}(\\d+)-`).exec(name)?.[1] ?? Number.NaN);
    if (Number.isInteger(pid) && pid !== ownPid && !processGone(pid)) pids.add(pid);
  }
  return [...pids].sort((a, b) => a - b);
}

interface SpillState {
  dirs: readonly string[];
  /** The shared temp root (the parent of this run's private TMPDIR), where other runs show. */
  root: string;
  before: SpillSnapshot;
  othersAtStart: number[];
  users: number;
}

const KEY = Symbol.for('buildsecrets.spill-guard');
const holder = globalThis as { [KEY]?: SpillState };

function start(): SpillState {
  const override = process.env['BS_SPILL_DIRS'];
  const dirs = override ? override.split(':').filter(Boolean) : DEFAULT_SPILL_DIRS;
  // The temp-dir guard runs first and points TMPDIR at this run's private directory.
  const here = tmpdir();
  const root = basename(here).startsWith(RUN_TEMP_PREFIX) ? dirname(here) : here;
  return { dirs, root, before: snapshotSpillDirs(dirs), othersAtStart: otherLiveRuns(root), users: 0 };
}

/** Engines remove some things just after they exit: look again for up to `graceMs` before calling an entry left. */
async function settledSpills(state: SpillState, graceMs: number): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = newSpills(state.before, snapshotSpillDirs(state.dirs));
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function finish(state: SpillState): Promise<void> {
  delete holder[KEY];
  const left = await settledSpills(state, 3_000);
  if (left.length === 0) return;
  const others = [...new Set([...state.othersAtStart, ...otherLiveRuns(state.root)])];
  const list = `\n  ${left.join('\n  ')}`;
  // A private list (the self-test) is strict even while other runs go on.
  if (others.length > 0 && !process.env['BS_SPILL_DIRS']) {
    process.stderr.write(`[spill guard] new entries where builds spill secrets, not attributed: other test runs (pids ${others.join(', ')}) ran at the same time:${list}\n`);
    return;
  }
  // Throwing from a teardown is reported ("error during close"); the exit code makes it a failure.
  process.exitCode = 1;
  throw new Error(
    `spill guard: the test run left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} where builds spill secret copies ` +
      `(left in place for inspection; a build, or a test's own engine command, must not leave these after success, failure or a signal):${list}`,
  );
}

export default function guardSpills(): () => Promise<void> {
  const state = (holder[KEY] ??= start());
  state.users += 1;
  return async () => {
    state.users -= 1;
    if (state.users === 0) await finish(state);
  };
}
