import { createHash } from 'node:crypto';
import { lstat, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnvCopyFingerprint } from '../../janitor/janitor.js';

/**
 * Where podman/buildah put a `--secret id=…,env=VAR` value for the RUN step: a 0400 file
 * `buildah<digits>` in /dev/shm, removed when the step ends normally — but not when the engine is
 * stopped by a signal (podman 4.3 / buildah 1.28, seen after SIGTERM mid-step).
 */
export const ENV_SECRET_COPY_DIR = '/dev/shm';
const COPY_NAME = /^buildah\d+$/;

/** The variable names of the `--secret id=…,env=NAME` arguments in `args`. */
export function envSecretNames(args: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const spec = arg === '--secret' ? args[i + 1] : arg.startsWith('--secret=') ? arg.slice('--secret='.length) : undefined;
    if (spec === undefined) continue;
    for (const field of spec.split(',')) if (field.startsWith('env=')) names.push(field.slice('env='.length));
  }
  return names;
}

/**
 * The values of the `--secret id=…,env=NAME` arguments in `args`, read from the engine's `env`
 * (only those the engine was actually given).
 */
export function envSecretValues(args: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  return envSecretNames(args).flatMap((name) => (env[name] ? [env[name]] : []));
}

/**
 * Overwrite and remove the engine's copies of env-sourced secret values left in `dir`: regular
 * files named `buildah<digits>` whose content is exactly one of `values` (a file of another build
 * holds its own values and is left alone; a symlink is never followed). Returns the paths removed.
 * Never throws: teardown must go on.
 */
export async function removeEnvSecretCopies(values: readonly string[], dir: string = ENV_SECRET_COPY_DIR): Promise<string[]> {
  const wanted = values.map((v) => Buffer.from(v, 'utf8'));
  return removeCopiesWhere(new Set(wanted.map((b) => b.length)), (content) => wanted.some((w) => w.equals(content)), dir);
}

/**
 * {@link removeEnvSecretCopies} for a run that knew the values only as fingerprints (size and salted
 * SHA-256, see {@link EnvCopyFingerprint}): the start-up sweep finishing a killed run's build.
 */
export async function removeFingerprintedCopies(prints: readonly EnvCopyFingerprint[], dir: string = ENV_SECRET_COPY_DIR): Promise<string[]> {
  const matches = (content: Buffer): boolean =>
    prints.some((p) => p.size === content.length && createHash('sha256').update(Buffer.from(p.salt, 'hex')).update(content).digest('hex') === p.digest);
  return removeCopiesWhere(new Set(prints.map((p) => p.size)), matches, dir);
}

/** The `buildah<digits>` regular files in `dir` of one of `sizes` whose content `matches`, overwritten and removed. */
async function removeCopiesWhere(sizes: ReadonlySet<number>, matches: (content: Buffer) => boolean, dir: string): Promise<string[]> {
  if (sizes.size === 0) return [];
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!COPY_NAME.test(name)) continue;
    const path = join(dir, name);
    try {
      const info = await lstat(path);
      if (!info.isFile() || !sizes.has(info.size)) continue;
      const content = await readFile(path);
      if (!matches(content)) continue;
      // The file is 0400: as its owner (root, like the engine) we may still write it.
      const handle = await open(path, 'r+').catch(() => undefined);
      if (handle) {
        await handle.write(Buffer.alloc(content.length), 0, content.length, 0).catch(() => undefined);
        await handle.close();
      }
      await unlink(path);
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }
  return removed;
}
