import { chmodSync, closeSync, fchmodSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretForInjection } from './types.js';

/** Where one secret was written. */
export interface WrittenSecret {
  /** The secret id. */
  readonly id: string;
  /** Absolute path of its 0600 file. */
  readonly path: string;
}

/** A file name that is safe on any file system and unique within the run's directory. */
function fileNameFor(id: string, index: number): string {
  return `${index}-${id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100)}`;
}

/**
 * Write each secret to its own new file (`wx`: never follow or reuse an existing path) with mode
 * 0600 inside `dir`, which is made 0700. The revealed copy of each value is zeroed after writing.
 * Synchronous: a few small writes on tmpfs take microseconds, and each asynchronous call would be
 * a thread-pool round trip just before the engine starts.
 */
export async function writeSecretFiles(dir: string, secrets: readonly SecretForInjection[]): Promise<WrittenSecret[]> {
  chmodSync(dir, 0o700);
  const written: WrittenSecret[] = [];
  for (const [index, secret] of secrets.entries()) {
    const path = join(dir, fileNameFor(secret.id, index));
    const fd = openSync(path, 'wx', 0o600);
    const bytes = secret.value.reveal();
    try {
      // The umask can only clear bits; set the mode explicitly so it is exactly 0600.
      fchmodSync(fd, 0o600);
      writeFileSync(fd, bytes);
    } finally {
      bytes.fill(0);
      closeSync(fd);
    }
    written.push({ id: secret.id, path });
  }
  return written;
}
