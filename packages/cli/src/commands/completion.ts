import { UsageError } from '@buildsecrets/core';
import type { CliCommand } from '../command.js';
import { completionScript, isCompletionShell } from '../completion.js';
import { EXIT } from '../exit-codes.js';
import { GLOBAL_OPTIONS } from '../global-options.js';
import { COMMANDS } from './index.js';

/** `buildsecrets completion bash|zsh|fish`: a shell completion script for commands and their flags. */
export const completionCommand: CliCommand = {
  name: 'completion',
  summary: 'print a shell completion script (bash, zsh or fish)',
  usage: 'completion bash|zsh|fish',
  details: [
    'bash: eval "$(buildsecrets completion bash)"   (in ~/.bashrc)',
    'zsh:  buildsecrets completion zsh > "${fpath[1]}/_buildsecrets"',
    'fish: buildsecrets completion fish > ~/.config/fish/completions/buildsecrets.fish',
  ].join('\n'),
  options: {},
  maxPositionals: 1,
  async run(ctx, args) {
    const shell = args.positionals[0];
    if (shell === undefined || !isCompletionShell(shell)) {
      throw new UsageError(shell === undefined ? 'completion needs a shell: bash, zsh or fish' : `no completion for shell "${shell}"; bash, zsh and fish are supported`, { hint: `buildsecrets ${completionCommand.usage}` });
    }
    const commands = await Promise.all(COMMANDS.map(async (c) => ({ name: c.name, summary: c.summary, options: (await c.load()).options })));
    ctx.stdout.write(completionScript(shell, commands, GLOBAL_OPTIONS));
    return EXIT.ok;
  },
};
