import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { capture } from '../exec-capture.js';

/**
 * The build arg that marks every working container of one podman/buildah build (buildah records
 * build args in the container's `buildah.json`). Not a secret: a random id per run.
 */
export const RUN_MARKER_ARG = 'BUILDSECRETS_RUN_ID';

/** A fresh run id for {@link RUN_MARKER_ARG}. */
export function newRunId(): string {
  return randomBytes(12).toString('hex');
}

const DEFAULT_GRAPH_ROOT = '/var/lib/containers/storage';

async function graphRoot(binary: string, kind: 'podman' | 'buildah', env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const format = kind === 'podman' ? '{{.Store.GraphRoot}}' : '{{.store.GraphRoot}}';
  const info = await capture(binary, ['info', '--format', format], { env, timeoutMs: 15_000 });
  const root = info.stdout.trim();
  return info.code === 0 && root.startsWith('/') ? root : DEFAULT_GRAPH_ROOT;
}

/** Working containers whose recorded build args carry this run's marker. */
async function markedContainers(root: string, runId: string): Promise<string[]> {
  const dir = join(root, 'overlay-containers');
  const ids = await readdir(dir).catch(() => [] as string[]);
  const ours: string[] = [];
  for (const id of ids) {
    const text = await readFile(join(dir, id, 'userdata', 'buildah.json'), 'utf8').catch(() => '');
    if (!text.includes(runId)) continue;
    try {
      const args = (JSON.parse(text) as { Args?: Record<string, unknown> }).Args;
      if (args?.[RUN_MARKER_ARG] === runId) ours.push(id);
    } catch {
      // A half-written file: not one we can attribute.
    }
  }
  return ours;
}

/**
 * Processes (a RUN step's, in their own pid namespace and session) that mount anything of these
 * containers. Matched without the graph root: a path on a file system mounted below '/' shows in
 * mountinfo relative to that file system; a container id (64 random hex digits) is unambiguous.
 */
async function processesUsing(ids: readonly string[]): Promise<number[]> {
  const needles = ids.map((id) => `/overlay-containers/${id}/`);
  const pids: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const mounts = await readFile(`/proc/${name}/mountinfo`, 'utf8').catch(() => '');
    if (needles.some((n) => mounts.includes(n))) pids.push(Number(name));
  }
  return pids;
}

/**
 * The runtime bundles (`$TMPDIR/buildah<n>`, default /var/tmp) of these containers' RUN steps:
 * their config.json holds the step's environment (declared build args). Matched by the
 * `hostname` file, which buildah fills with the working container's short id.
 */
async function bundlesOf(env: Readonly<Record<string, string | undefined>>, ids: readonly string[]): Promise<string[]> {
  const base = env['TMPDIR'] || '/var/tmp';
  const shortIds = new Set(ids.map((id) => id.slice(0, 12)));
  const bundles: string[] = [];
  for (const name of await readdir(base).catch(() => [] as string[])) {
    if (!/^buildah\d+$/.test(name)) continue;
    const hostname = (await readFile(join(base, name, 'hostname'), 'utf8').catch(() => '')).trim();
    if (shortIds.has(hostname)) bundles.push(join(base, name));
  }
  return bundles;
}

/** True when nothing answers on the unix socket `path` (its server is gone); false while one does. */
function socketIsDead(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT'));
  });
}

/**
 * The directories (`$TMPDIR/.buildah-ssh-sock<n>`, default /var/tmp) of the ssh-agent proxy sockets
 * that podman/buildah make for `--ssh` and leave when stopped mid-step — removed only when the
 * socket in them is dead: a live one belongs to a build still running.
 */
export async function removeDeadSshSocketDirs(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const base = env['TMPDIR'] || '/var/tmp';
  for (const name of await readdir(base).catch(() => [] as string[])) {
    if (!/^\.buildah-ssh-sock\d+$/.test(name)) continue;
    const dir = join(base, name);
    const entries = await readdir(dir).catch(() => undefined);
    if (!entries || entries.some((entry) => entry !== 'ssh_auth_sock')) continue;
    if (entries.length === 1 && !(await socketIsDead(join(dir, 'ssh_auth_sock')))) continue;
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * After a podman/buildah build that did not finish (a failure, SIGINT, SIGTERM): podman 4.3 exits
 * on a signal without stopping the RUN step it started (that process lives in its own session, out
 * of reach of our process-group kill) and leaves the working container behind — with copies of the
 * step's secret mounts under `userdata/secrets`. Find this run's working containers by their
 * marker, SIGKILL every process still using them, remove them and their runtime bundles, and the
 * ssh-agent proxy socket directories left dead.
 * Returns what was removed.
 * Never throws: teardown must go on.
 */
export async function removeBuildLeftovers(binary: string, kind: 'podman' | 'buildah', runId: string, env: Readonly<Record<string, string | undefined>>): Promise<{ containers: string[]; processes: number[] }> {
  try {
    await removeDeadSshSocketDirs(env);
    const root = await graphRoot(binary, kind, env);
    const containers = await markedContainers(root, runId);
    if (containers.length === 0) return { containers, processes: [] };
    const processes = await processesUsing(containers);
    for (const pid of processes) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    const remove = kind === 'podman' ? ['rm', '--force', ...containers] : ['rm', ...containers];
    await capture(binary, remove, { env, timeoutMs: 60_000 });
    for (const bundle of await bundlesOf(env, containers)) await rm(bundle, { recursive: true, force: true }).catch(() => undefined);
    return { containers, processes };
  } catch {
    return { containers: [], processes: [] };
  }
}
