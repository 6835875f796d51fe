import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
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

/** Processes (a RUN step's, in their own pid namespace and session) that mount anything of these containers. */
async function processesUsing(root: string, ids: readonly string[]): Promise<number[]> {
  const needles = ids.map((id) => join(root, 'overlay-containers', id) + '/');
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

/**
 * After a podman/buildah build that did not finish (a failure, SIGINT, SIGTERM): podman 4.3 exits
 * on a signal without stopping the RUN step it started (that process lives in its own session, out
 * of reach of our process-group kill) and leaves the working container behind — with copies of the
 * step's secret mounts under `userdata/secrets`. Find this run's working containers by their
 * marker, SIGKILL every process still using them, remove them and their runtime bundles.
 * Returns what was removed.
 * Never throws: teardown must go on.
 */
export async function removeBuildLeftovers(binary: string, kind: 'podman' | 'buildah', runId: string, env: Readonly<Record<string, string | undefined>>): Promise<{ containers: string[]; processes: number[] }> {
  try {
    const root = await graphRoot(binary, kind, env);
    const containers = await markedContainers(root, runId);
    if (containers.length === 0) return { containers, processes: [] };
    const processes = await processesUsing(root, containers);
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
