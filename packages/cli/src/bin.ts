#!/usr/bin/env node
// Kept tiny on purpose: `--version` answers before anything else is imported.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { cliVersion } = await import('./version.js');
  process.stdout.write(`${cliVersion()}\n`);
} else {
  const { runCli } = await import('./main.js');
  process.exitCode = await runCli(argv);
}
