import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ContainersBuildWatch, EnvCopyFingerprint } from '../../janitor/janitor.js';
import { makeTempDir } from '../../util/temp-dir.js';
import { removeBuildLeftovers } from './containers-leftovers.js';
import { removeFingerprintedCopies } from './env-secret-copies.js';

/** The file in a podman/buildah build's record directory (`buildsecrets-containers-<pid>-XXXXXX`). */
export const CONTAINERS_RECORD_FILE = 'containers-build.json';

/**
 * Write down what the watchdog is told about a podman/buildah build (nothing secret, see
 * {@link ContainersBuildWatch}) in a directory of this run under the secret temp root, for the one
 * case the watchdog cannot cover: buildsecrets and its watchdog killed together (a session- or
 * cgroup-wide kill). The next run's start-up sweep finds the directory of a dead run and finishes
 * the build's clean-up from it (see {@link finishRecordedBuild}). Returns the function that removes
 * the record once this process has cleaned up itself. Best effort: without a writable temp root the
 * build goes on, covered by the watchdog alone.
 */
export async function recordContainersBuild(watch: ContainersBuildWatch, env: Readonly<Record<string, string | undefined>>): Promise<() => Promise<void>> {
  try {
    const dir = await makeTempDir('containers', env);
    try {
      writeFileSync(join(dir.path, CONTAINERS_RECORD_FILE), JSON.stringify(watch), { mode: 0o600 });
    } catch {
      await dir.remove();
      return async () => undefined;
    }
    return () => dir.remove();
  } catch {
    return async () => undefined;
  }
}

const HEX = /^[0-9a-f]+$/;

function isFingerprint(value: unknown): value is EnvCopyFingerprint {
  const p = value as Partial<EnvCopyFingerprint> | null;
  return !!p && Number.isInteger(p.size) && typeof p.salt === 'string' && HEX.test(p.salt) && typeof p.digest === 'string' && /^[0-9a-f]{64}$/.test(p.digest);
}

/** A record as written by {@link recordContainersBuild}, or undefined when it is anything else. */
export function parseContainersRecord(text: string): ContainersBuildWatch | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const w = value as Partial<ContainersBuildWatch> | null;
  if (!w || typeof w.runId !== 'string' || !/^[0-9a-f]{16,64}$/.test(w.runId)) return undefined;
  if (w.kind !== 'podman' && w.kind !== 'buildah') return undefined;
  if (typeof w.binary !== 'string' || !isAbsolute(w.binary) || typeof w.bundleDir !== 'string' || !isAbsolute(w.bundleDir)) return undefined;
  if (!w.env || typeof w.env !== 'object' || !Object.values(w.env).every((v) => typeof v === 'string')) return undefined;
  if (!Array.isArray(w.envCopies) || !w.envCopies.every(isFingerprint)) return undefined;
  return w as ContainersBuildWatch;
}

/**
 * Finish the clean-up of the podman/buildah build recorded in `dir` by a run that is gone: stop
 * the RUN step, remove its working containers (with their secret copies) and runtime bundles, the
 * dead ssh proxy socket directories, and the /dev/shm copies of its env-sourced values. Returns the
 * run marker when `dir` held a record. Never throws: the sweep must go on.
 */
export async function finishRecordedBuild(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, CONTAINERS_RECORD_FILE), 'utf8').catch(() => undefined);
  const watch = text === undefined ? undefined : parseContainersRecord(text);
  if (!watch) return undefined;
  await removeBuildLeftovers(watch.binary, watch.kind, watch.runId, watch.env);
  await removeFingerprintedCopies(watch.envCopies);
  return watch.runId;
}
