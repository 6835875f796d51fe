import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Tests that spawn `packages/cli/dist/bin.js` run the bundled CLI. After a bare `tsc -b` the
 * bundle would be older than what was just compiled, so re-bundle it when any input changed
 * (the check is a few hundred `stat`s; bundling takes about a second).
 */
export default async function bundleCliIfStale(): Promise<void> {
  if (!existsSync(fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url)))) return; // not built: those tests say so
  const script = new URL('../../packages/cli/scripts/bundle.mjs', import.meta.url).href;
  const { bundleIsStale, bundleCli } = (await import(script)) as { bundleIsStale(): boolean; bundleCli(): Promise<unknown> };
  if (bundleIsStale()) await bundleCli();
}
