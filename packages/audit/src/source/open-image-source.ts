import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AuditError, stripUserinfo, UsageError } from '@buildsecrets/base';
import { archiveFile, dockerSave } from '../archive-stream.js';
import type { ImageSource, TransportName } from './image-source.js';
import { ociLayoutSource } from './oci-layout-source.js';
import { createRegistryImageSource } from '../sources/registry/registry-image-source.js';
import type { RegistryClientOptions } from '../sources/registry/registry-client.js';
import { tarStreamSource } from './tar-stream-source.js';
import { parseImageReference, TRANSPORT_NAMES } from './transport.js';

/** How {@link openImageSource} reaches the engines and the file system. */
export interface OpenImageSourceOptions {
  /** The docker binary for `docker-daemon:` and bare image names (default `docker`). */
  readonly docker?: string;
  /** The podman binary for `containers-storage:` (default `podman`). */
  readonly podman?: string;
  /** Environment for those binaries (`DOCKER_HOST`, …), merged over `process.env`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Directory relative paths are resolved against (default the process's). */
  readonly cwd?: string;
  /** How `docker://` reaches its registry (credentials, TLS, timeouts); `env` is used when it has none. */
  readonly registry?: RegistryClientOptions;
  /** Opens transports this package does not implement itself. Return `undefined` to refuse the transport. */
  readonly openTransport?: (transport: TransportName, reference: string) => ImageSource | undefined;
}

const kind = (path: string): 'file' | 'dir' | undefined => {
  try {
    const stat = statSync(path);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
};

/** Whether the daemon knows `name` (`docker image inspect`); an unreachable daemon counts as no. */
export function daemonHasImage(name: string, docker: string, env: Readonly<Record<string, string>>): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(docker, ['image', 'inspect', '--format', '{{.Id}}', name], { env: { ...process.env, ...env }, stdio: 'ignore' });
    child.once('error', () => done(false));
    child.once('close', (code) => done(code === 0));
  });
}

/** `oci:DIR[:TAG]`: the whole reference when it is a directory, else split at the last colon. */
function ociDirAndTag(reference: string, cwd: string): { dir: string; tag?: string } {
  if (kind(resolve(cwd, reference)) === 'dir') return { dir: resolve(cwd, reference) };
  const colon = reference.lastIndexOf(':');
  if (colon > 0 && kind(resolve(cwd, reference.slice(0, colon))) === 'dir') return { dir: resolve(cwd, reference.slice(0, colon)), tag: reference.slice(colon + 1) };
  throw new AuditError(`oci:${reference}: no OCI layout directory there`, { hint: 'oci:DIR[:TAG] names a directory; for a tar file use oci-archive:PATH' });
}

function archivePath(transport: TransportName, reference: string, cwd: string): string {
  const path = resolve(cwd, reference);
  if (kind(path) !== 'file') throw new AuditError(`${transport}:${reference}: no such archive file`, { hint: 'check the path' });
  return path;
}

/**
 * Open the {@link ImageSource} a `transport:reference` names (skopeo's names: `docker-daemon:`,
 * `docker-archive:`, `oci:`, `oci-archive:`, `containers-storage:`, and `docker://` — a registry,
 * read over the Registry HTTP API v2 with `options.registry`). A bare word keeps its old meaning — an existing archive file, else a daemon
 * image — but when it is both, it is refused as ambiguous (`UsageError`), never silently read as
 * the file.
 */
export async function openImageSource(text: string, options: OpenImageSourceOptions = {}): Promise<ImageSource> {
  const { transport, reference } = parseImageReference(text);
  const cwd = options.cwd ?? process.cwd();
  const docker = options.docker ?? 'docker';
  const env = options.env ?? {};
  const name = stripUserinfo(text);
  const fromDaemon = (image: string, label: string): ImageSource => tarStreamSource('docker-daemon', label, () => dockerSave(image, docker, env), `image ${image}`);
  const fromFile = (t: TransportName, path: string, label: string): ImageSource => tarStreamSource(t, label, () => archiveFile(path), `archive ${label}`);
  switch (transport) {
    case undefined: {
      const path = resolve(cwd, reference);
      if (kind(path) !== 'file') return fromDaemon(reference, reference);
      if (await daemonHasImage(reference, docker, env)) {
        throw new UsageError(`"${reference}" is both an image the daemon knows and a file here; which one to audit is ambiguous`, {
          hint: `name it with a transport: docker-daemon:${reference} or docker-archive:${reference} (oci-archive:${reference} for an OCI archive)`,
        });
      }
      return fromFile('docker-archive', path, reference);
    }
    case 'docker-daemon':
      return fromDaemon(reference, name);
    case 'docker-archive':
    case 'oci-archive':
      return fromFile(transport, archivePath(transport, reference, cwd), name);
    case 'oci': {
      const { dir, tag } = ociDirAndTag(reference, cwd);
      return ociLayoutSource(dir, tag);
    }
    case 'containers-storage': {
      const podman = options.podman ?? 'podman';
      return tarStreamSource('containers-storage', name, () => dockerSave(reference, podman, env, [podman, 'save', '--format', 'oci-archive', reference]), `containers-storage image ${reference}`);
    }
    case 'docker':
      return createRegistryImageSource(reference.replace(/^\/\//, ''), { env, ...options.registry });
    default: {
      const opened = options.openTransport?.(transport, reference);
      if (opened) return opened;
      throw new UsageError(`the ${transport} transport is not available in this build`, { hint: `transports: ${TRANSPORT_NAMES.join(' ')}` });
    }
  }
}
