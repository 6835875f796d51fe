import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { ContainersBuildWatch, EnvCopyFingerprint } from '../../janitor/janitor.js';
import { envSecretNames, envSecretValues } from './env-secret-copies.js';

/**
 * The variables that decide which containers-storage, configuration and helper binaries the
 * engine uses — all the watchdog's `info` and `rm` get. Never the engine's whole environment: for
 * `source: env` secrets it holds the values.
 */
const STORAGE_ENV_KEYS = [
  'PATH', 'HOME', 'TMPDIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_RUNTIME_DIR',
  'CONTAINERS_CONF', 'CONTAINERS_CONF_OVERRIDE', 'CONTAINERS_STORAGE_CONF', 'STORAGE_DRIVER', 'STORAGE_OPTS',
];

/** `binary` as an absolute path, looked up in `PATH` the way the engine was started (as given when not found). */
export function absoluteBinary(binary: string, pathVariable: string | undefined): string {
  if (binary.includes('/')) return resolve(binary);
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return resolve(candidate);
    } catch {
      // Not here.
    }
  }
  return binary;
}

/** A value's size and salted SHA-256: enough to recognise its copy, not to recover it. */
export function envCopyFingerprint(value: string, salt: Buffer): EnvCopyFingerprint {
  const bytes = Buffer.from(value, 'utf8');
  return { size: bytes.length, salt: salt.toString('hex'), digest: createHash('sha256').update(salt).update(bytes).digest('hex') };
}

/**
 * What the watchdog is told about one podman/buildah build (see {@link ContainersBuildWatch}):
 * the storage variables of the engine's `env` minus any that carries an env-sourced secret, and
 * the fingerprints of those secrets under a fresh salt.
 */
export function containersBuildWatch(binary: string, kind: 'podman' | 'buildah', runId: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>): ContainersBuildWatch {
  const values = envSecretValues(args, env);
  const secretNames = new Set(envSecretNames(args));
  const storageEnv: Record<string, string> = {};
  for (const key of STORAGE_ENV_KEYS) {
    const value = env[key];
    if (value !== undefined && !secretNames.has(key) && !values.includes(value)) storageEnv[key] = value;
  }
  const salt = randomBytes(16);
  return {
    runId,
    kind,
    binary: absoluteBinary(binary, env['PATH']),
    env: storageEnv,
    bundleDir: env['TMPDIR'] || '/var/tmp',
    envCopies: values.map((value) => envCopyFingerprint(value, salt)),
  };
}
