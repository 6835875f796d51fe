import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContextIgnore } from './dockerignore.js';

/** One regular file the engine will send. */
export interface ContextFile {
  /** Path relative to the context, forward slashes. */
  readonly path: string;
  /** Absolute path. */
  readonly abs: string;
}

/**
 * Walk the context as the engine sends it: every regular file not excluded by the ignore rules.
 * An excluded directory is skipped whole unless the rules have exceptions (then the engine walks
 * in, and so do we). Symlinks are sent as links, not followed, so their targets are not read.
 * Files are handed to `onFile` as they are found, so scanning starts before the walk ends; at most
 * `concurrency` directories are read at once.
 */
export async function walkContext(root: string, rules: ContextIgnore, onFile: (file: ContextFile) => void, concurrency = 8): Promise<void> {
  const pending: string[] = [''];
  let active = 0;
  let failure: unknown;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (failure !== undefined) return;
      while (active < concurrency && pending.length > 0) {
        const dir = pending.pop()!;
        active++;
        readdir(join(root, dir), { withFileTypes: true }).then(
          (entries) => {
            for (const entry of entries) {
              const path = dir ? `${dir}/${entry.name}` : entry.name;
              if (entry.isDirectory()) {
                if (!rules.ignores(path) || rules.hasExceptions) pending.push(path);
              } else if (entry.isFile() && !rules.ignores(path)) {
                onFile({ path, abs: join(root, path) });
              }
            }
            active--;
            if (pending.length === 0 && active === 0) resolve();
            else pump();
          },
          (error: unknown) => {
            failure = error;
            reject(error);
          },
        );
      }
    };
    pump();
  });
}
