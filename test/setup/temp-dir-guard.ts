// The temp-dir guard (vitest globalSetup, see vitest.config.ts): a test run leaves nothing behind
// in the OS temp directory. The run gets a private temp directory of its own — TMPDIR points at it
// for the vitest process, every worker and every child a test starts, so `os.tmpdir()` is that
// directory everywhere — and when the run ends, whatever is still in it is a leak: the run fails
// naming each entry, and the private directory is removed either way.
//
// Why a private directory rather than a before/after listing of the shared /tmp: other processes
// (another checkout's test run, the e2e services' daemon, CI's own tools) create and remove
// entries in /tmp at the same time, with the same prefixes our tests use; only a directory no one
// else writes to tells this run's leftovers from theirs. It also keeps the product's start-up
// sweep of stale `buildsecrets-*` directories, which tests run, away from other runs' directories.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface GuardState {
  /** The run's private temp directory. */
  dir: string;
  /** TMPDIR before the run, restored at the end. */
  previous: string | undefined;
  /** Projects that ran this setup and have not torn down yet (each vitest project runs globalSetup). */
  users: number;
}

const KEY = Symbol.for('buildsecrets.temp-dir-guard');
const holder = globalThis as { [KEY]?: GuardState };

/** Name of the run's private temp directory (`bs-run-<pid>-XXXXXX`), under the real OS temp dir; short, because unix socket paths are limited to 108 bytes. */
export const RUN_TEMP_PREFIX = 'bs-run-';

/**
 * Entries that are not leaks: a tool's cache that the tool itself reuses across runs, so in the
 * shared temp dir it is one directory, not one per run. Only third-party tools belong here — a
 * product or test directory left behind is a bug to fix, never an entry to add.
 */
export const TOOL_CACHES: readonly { name: RegExp; why: string }[] = [
  { name: /^tsx-\d+$/, why: "tsx's compile cache (os.tmpdir()/tsx-<uid>), made by tests that start TypeScript children with tsx" },
  { name: /^node-compile-cache$/, why: "Node's on-disk compile cache (os.tmpdir()/node-compile-cache), turned on by the CLI's bin on Node 22.1+ and reused by every later start" },
];

/** Entries left in `dir` (but tool caches), each with what it holds (a directory's entry count), for the failure message. */
export function leftovers(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => !TOOL_CACHES.some((cache) => cache.name.test(name))).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    try {
      const inside = readdirSync(join(dir, name));
      return `${name}/ (${inside.length} entr${inside.length === 1 ? 'y' : 'ies'})`;
    } catch {
      return name;
    }
  });
}

/** True when no process has this pid (a pid that was reused only keeps a directory longer). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Remove the private temp dirs of runs whose vitest process is gone — killed before its teardown
 * (SIGKILL, a closed terminal). The pid in the name tells them from a run going on at the same
 * time in another checkout, whose directory is never touched.
 */
export function sweepDeadRuns(root: string): string[] {
  const swept: string[] = [];
  for (const name of readdirSync(root)) {
    const pid = new RegExp(`^${RUN_TEMP_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (pid === undefined || !processGone(Number(pid))) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    swept.push(name);
  }
  return swept;
}

function start(): GuardState {
  const previous = process.env['TMPDIR'];
  const swept = sweepDeadRuns(tmpdir());
  if (swept.length > 0) process.stderr.write(`[temp-dir guard] removed ${swept.length} temp dir(s) of test runs killed before their teardown: ${swept.join(', ')}\n`);
  const dir = mkdtempSync(join(tmpdir(), `${RUN_TEMP_PREFIX}${process.pid}-`));
  // The same mode as the temp dir it stands in for (1777 for /tmp), not mkdtemp's 0700: a test that
  // runs a process as another user (the e2e /proc poller runs as nobody) must reach its files here
  // as it would in /tmp; each test's own directory is 0700 inside it all the same.
  chmodSync(dir, statSync(tmpdir()).mode & 0o7777);
  // Set before any worker starts: vitest copies process.env into each worker it forks.
  process.env['TMPDIR'] = dir;
  return { dir, previous, users: 0 };
}

function finish(state: GuardState): void {
  if (state.previous === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = state.previous;
  delete holder[KEY];
  const left = leftovers(state.dir);
  rmSync(state.dir, { recursive: true, force: true });
  if (left.length === 0) return;
  // Throwing from a teardown is reported ("error during close"); the exit code makes it a failure.
  process.exitCode = 1;
  throw new Error(
    `temp-dir guard: the test run left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp directory ` +
      `(removed now; each test must remove what it creates, after success and failure — see test/support/temp-dirs.ts):\n  ` +
      left.join('\n  '),
  );
}

export default function guardTempDir(): () => void {
  const state = (holder[KEY] ??= start());
  state.users += 1;
  return () => {
    state.users -= 1;
    if (state.users === 0) finish(state);
  };
}
