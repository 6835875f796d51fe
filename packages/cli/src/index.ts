/**
 * `buildsecrets`: the command-line tool. The programmatic entry point is {@link runCli}; the
 * library API lives in `@buildsecrets/core`.
 *
 * @packageDocumentation
 */
export { runCli, type CliIo } from './main.js';
export { EXIT, exitCodeFor } from './exit-codes.js';
export type { CliCommand, CliContext, GlobalOptions } from './command.js';
export type { OptionSpec, OptionSpecs, ParsedArgs } from './args.js';
