import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleDistFiles } from './dist-freshness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Tests never run stale `dist`: tests that spawn `packages/cli/dist/bin.js`, install packed
 * tarballs or start children run compiled code. When any source is newer than its compiled
 * output (or the output is missing), compile (`tsc -b`, incremental) and fail the run when that
 * fails; then re-bundle the CLI when any bundle input changed (a few hundred `stat`s;
 * bundling takes about a second).
 */
export default async function buildIfStale(): Promise<void> {
  const stale = staleDistFiles(ROOT);
  if (stale.length > 0) {
    process.stderr.write(`[setup] ${stale.length} compiled file(s) older than their source (first: ${stale[0]}); running tsc -b\n`);
    const tsc = spawnSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-b'], { cwd: ROOT, stdio: 'inherit' });
    // A source touched without a change is not re-emitted by tsc (it compares content), so a clean
    // `tsc -b` is the proof that dist matches src, not the mtimes.
    if (tsc.status !== 0) throw new Error(`dist is older than src and \`tsc -b\` failed (exit ${tsc.status}): fix the compile errors above`);
    // Mark the outputs current so the next run does not compile again for an unchanged source.
    const now = new Date();
    for (const source of stale) {
      const output = join(ROOT, source.replace(/\/src\/(.*)\.ts$/, '/dist/$1.js'));
      if (existsSync(output)) utimesSync(output, now, now);
    }
  }
  const script = new URL('../../packages/cli/scripts/bundle.mjs', import.meta.url).href;
  const { bundleIsStale, bundleCli } = (await import(script)) as { bundleIsStale(): boolean; bundleCli(): Promise<unknown> };
  if (bundleIsStale()) await bundleCli();
}
