import { readdir, readFile, readlink } from 'node:fs/promises';

/** Parent pid and state of a process, or undefined when it is gone. */
async function stat(pid: number): Promise<{ ppid: number; state: string } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // The command name is in parentheses and may contain spaces: parse after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0]!, ppid: Number(rest[1]) };
}

/** Whether `pid` exists and is not a zombie. */
export async function alive(pid: number): Promise<boolean> {
  const s = await stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** Every descendant of `root` (children, grandchildren, …) alive right now. */
export async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = await stat(Number(name));
    if (s) parents.set(Number(name), s.ppid);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parents) if (ppid === parent && !found.includes(pid)) (found.push(pid), queue.push(pid));
  }
  return found;
}

/** Socket inodes `pid` holds open (TCP, UDP or unix). */
export async function socketInodes(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const inodes: string[] = [];
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.push(m[1]!);
  }
  return inodes;
}

/** Inodes of every socket the kernel still lists (TCP/TCP6 in any state, unix sockets). */
export async function kernelSocketInodes(): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const [file, column] of [['/proc/net/tcp', 9], ['/proc/net/tcp6', 9], ['/proc/net/unix', 6]] as const) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const inode = line.trim().split(/\s+/)[column];
      if (inode && inode !== '0') inodes.add(inode);
    }
  }
  return inodes;
}
