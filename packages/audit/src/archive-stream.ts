import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { stripUserinfo } from '@buildsecrets/base';
import { AuditError } from '@buildsecrets/base';

/** The outer archive as a byte stream, and how to learn whether its producer succeeded. */
export interface ArchiveStream {
  /** The archive bytes. */
  readonly stream: Readable;
  /** Resolves when the producer finished cleanly; rejects with `AuditError` otherwise. */
  finished(): Promise<void>;
  /** Stop producing (kill `docker save`, close the file). */
  destroy(): void;
  /** The file the stream reads from its first byte, when it is a file (workers may read its layers themselves). */
  readonly file?: string;
}

const STDERR_LIMIT = 4096;

/**
 * Stream `docker save <image>` (or the engine's own export command, binary first) from a child
 * process; the image is never written to disk.
 */
export function dockerSave(image: string, docker: string, env: Readonly<Record<string, string>>, exportCommand?: readonly string[]): ArchiveStream {
  const [file, ...args] = exportCommand && exportCommand.length > 0 ? exportCommand : [docker, 'save', image];
  docker = file ?? docker;
  const label = exportCommand ? `${basename(docker)} export of ${image}` : `docker save ${image}`;
  const child = spawn(docker, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
  });
  const exit = new Promise<void>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      const reason = err.code === 'ENOENT' ? `the docker binary "${docker}" was not found` : `could not run "${docker} save"`;
      reject(new AuditError(reason, { cause: err, hint: 'install Docker or pass --docker <path to the binary>' }));
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        // docker quotes DOCKER_HOST in its errors, and an address can carry credentials.
        const detail = stripUserinfo(stderr.trim().split('\n')[0] ?? '').slice(0, 300);
        reject(new AuditError(`"${label}" failed (${signal ?? `exit ${code}`})${detail ? `: ${detail}` : ''}`, { hint: 'check the image name and that the engine is reachable (DOCKER_HOST)' }));
      }
    });
  });
  // Observed here so an early failure is never an unhandled rejection; callers await finished().
  exit.catch(() => undefined);
  return {
    stream: child.stdout,
    finished: () => exit,
    destroy: () => {
      child.stdout.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Stream an archive file (docker-archive or OCI-layout tar). */
export function archiveFile(path: string): ArchiveStream {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  return { stream, finished: () => Promise.resolve(), destroy: () => stream.destroy(), file: path };
}
