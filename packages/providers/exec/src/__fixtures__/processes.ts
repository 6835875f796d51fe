import { readdirSync, readFileSync } from 'node:fs';

/** `/proc/<pid>/stat` split after the command name (which may contain spaces). */
function statOf(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** True while `pid` runs (a zombie waiting for its parent to reap it counts as gone). */
export function isAlive(pid: number): boolean {
  const stat = statOf(pid);
  return stat !== undefined && stat[0] !== 'Z' && stat[0] !== 'X';
}

/** Live processes whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  return pids.filter((pid) => {
    const stat = statOf(pid);
    return stat !== undefined && Number(stat[2]) === pgid && stat[0] !== 'Z' && stat[0] !== 'X';
  });
}

/** Poll `check` every 25 ms until it is true or `ms` pass; returns its last answer. */
export async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}
