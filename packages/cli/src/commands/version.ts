import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { cliVersion } from '../version.js';

/** `buildsecrets version`: the same as `--version` (with `--json`, an object). */
export const versionCommand: CliCommand = {
  name: 'version',
  summary: 'print the version',
  usage: 'version [--json]',
  options: {},
  maxPositionals: 0,
  async run(ctx) {
    ctx.stdout.write(ctx.global.json ? `${JSON.stringify({ version: cliVersion(), node: process.versions.node })}\n` : `${cliVersion()}\n`);
    return EXIT.ok;
  },
};
