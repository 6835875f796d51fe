// How a scanning worker is started: its entry file and the Node options it inherits.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The parent's Node options minus those that only make sense for the main script: a worker
 * inherits them, and `node --input-type=module -e …` (a script embedding the library) would
 * otherwise stop every worker with "--input-type can only be used with string input".
 */
export function workerExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i]!;
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print' || arg === '--input-type') {
      i++;
      continue;
    }
    if (arg.startsWith('--input-type=') || arg.startsWith('--eval=') || arg.startsWith('--print=')) continue;
    out.push(arg);
  }
  return out;
}

/** The compiled worker entry: next to this module (library build), or where the CLI bundle puts it. */
export function defaultWorkerUrl(): URL {
  const candidates = [new URL('./layer-worker.js', import.meta.url), new URL('./cli-chunks/layer-worker.js', import.meta.url), new URL('../dist/layer-worker.js', import.meta.url)];
  // Under vitest this module runs from its TypeScript source: the worker comes from the build (`tsc -b` first).
  return candidates.find((url) => existsSync(fileURLToPath(url))) ?? candidates[0]!;
}
