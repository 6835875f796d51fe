import type { OptionSpecs } from './args.js';
import type { CliCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import { GLOBAL_OPTIONS } from './global-options.js';

function optionLines(specs: OptionSpecs): string[] {
  return Object.entries(specs).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.value ? ` ${s.value}` : ''}`;
    return `  ${flag.padEnd(30)} ${s.description}`;
  });
}

/** `buildsecrets --help`. */
export function mainHelp(): string {
  return [
    'buildsecrets — get secrets into container image builds without leaving them in the image',
    '',
    'Usage: buildsecrets <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    `  ${'    --version'.padEnd(30)} print the version`,
    '',
    'Exit codes: 0 ok, 1 failure, 2 usage or config error, 3 leak found, 130 interrupted (SIGINT), 143 terminated (SIGTERM).',
    'Run `buildsecrets help <command>` (or `buildsecrets <command> --help`) for a command. NO_COLOR disables colour.',
  ].join('\n');
}

/** `buildsecrets <command> --help`. */
export function commandHelp(command: CliCommand): string {
  return [
    `Usage: buildsecrets ${command.usage}`,
    '',
    command.summary,
    ...(Object.keys(command.options).length ? ['', 'Options:', ...optionLines(command.options)] : []),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    ...(command.details ? ['', command.details] : []),
  ].join('\n');
}
