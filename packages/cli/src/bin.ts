#!/usr/bin/env node
// Kept tiny on purpose: `--version` answers before anything else is imported.
import { existsSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { cliVersion } = await import('./version.js');
  process.stdout.write(`${cliVersion()}\n`);
} else {
  // The build bundles main.js and its dependencies into one file (scripts/bundle.mjs): Node then
  // reads one module instead of ~800. A bare `tsc -b` output (no bundle yet) still runs, slower.
  const bundle = new URL('./cli.bundle.js', import.meta.url);
  const entry = existsSync(bundle) ? bundle.href : './main.js';
  const { runCli } = (await import(entry)) as typeof import('./main.js');
  process.exitCode = await runCli(argv);
}
