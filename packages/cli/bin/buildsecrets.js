#!/usr/bin/env node
// The `buildsecrets` executable. Committed (and executable in git) so that npm links it at install
// time, before anything is built; it loads the build output. On runtimes that have it (Node 22.1+),
// Node's on-disk compile cache is turned on first, so later starts skip parsing and compiling.
// A bare `--version` is answered here, from package.json, before any other module is loaded.
import { readFileSync } from 'node:fs';
import module from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  module.enableCompileCache?.();
  await import('../dist/bin.js');
}
