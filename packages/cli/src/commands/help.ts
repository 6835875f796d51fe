import { UsageError } from '@buildsecrets/core';
import { suggest } from '../args.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { commandHelp, mainHelp } from '../help.js';
import { COMMANDS } from './index.js';

/** `buildsecrets help [command]`: the same text as `--help` and `<command> --help`, on stdout. */
export const helpCommand: CliCommand = {
  name: 'help',
  summary: 'show help for buildsecrets or for one command',
  usage: 'help [COMMAND]',
  options: {},
  maxPositionals: 1,
  async run(ctx, args) {
    const name = args.positionals[0];
    if (name === undefined) {
      ctx.stdout.write(`${mainHelp()}\n`);
      return EXIT.ok;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) {
      throw new UsageError(`unknown command "${name}"${suggest(name, COMMANDS.map((c) => c.name)).replace('--', '')}`, { hint: 'run `buildsecrets help` for the list of commands' });
    }
    ctx.stdout.write(`${commandHelp(await entry.load())}\n`);
    return EXIT.ok;
  },
};
