import type { BuildSecrets, CreateBuildSecretsOptions, Redactor } from '@buildsecrets/core';
import { UsageError, handleSignals } from '@buildsecrets/core';
import { parseArgs, suggest } from './args.js';
import type { CliContext, GlobalOptions } from './command.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { commandHelp, mainHelp } from './help.js';
import { errorJson, renderError } from './render-error.js';
import { cliVersion } from './version.js';

/** Streams and environment of one CLI run; tests pass their own. */
export interface CliIo {
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Install SIGINT/SIGTERM handlers (default true for the real CLI; tests pass a signal instead). */
  readonly handleSignals?: boolean;
  /** Cancels the run (tests). */
  readonly signal?: AbortSignal;
}

/** The command name: the first word that is not an option or the value of a global option. */
function findCommand(argv: readonly string[]): { index: number; name: string } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return undefined;
    if (token === '--config') {
      i++;
      continue;
    }
    if (!token.startsWith('-')) return { index: i, name: token };
  }
  return undefined;
}

function globalsFrom(values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>, stdout: NodeJS.WritableStream): GlobalOptions {
  const tty = (stdout as { isTTY?: boolean }).isTTY === true;
  return {
    config: typeof values['config'] === 'string' ? values['config'] : undefined,
    json: values['json'] === true,
    verbose: values['verbose'] === true,
    color: tty && env['NO_COLOR'] === undefined,
  };
}

/**
 * Run the CLI with `argv` (without `node` and the script). Resolves to the exit code; never throws
 * and never prints a stack trace unless `--verbose`.
 */
export async function runCli(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const redactors: Redactor[] = [];
  const instances: BuildSecrets[] = [];
  const verbose = argv.includes('--verbose');
  const json = argv.includes('--json');
  // The real CLI tears down on SIGINT/SIGTERM and exits 130/143; a second signal forces the exit.
  const signals = io.handleSignals === false ? undefined : handleSignals();
  const signal = AbortSignal.any([...(signals ? [signals.signal] : []), ...(io.signal ? [io.signal] : [])]);
  try {
    if (argv.includes('--version') && findCommand(argv) === undefined) {
      stdout.write(`${cliVersion()}\n`);
      return EXIT.ok;
    }
    const found = findCommand(argv);
    if (!found) {
      const helpAsked = argv.includes('--help') || argv.includes('-h');
      (helpAsked ? stdout : stderr).write(`${mainHelp()}\n`);
      return helpAsked ? EXIT.ok : EXIT.usage;
    }
    const entry = COMMANDS.find((c) => c.name === found.name);
    if (!entry) {
      throw new UsageError(`unknown command "${found.name}"${suggest(found.name, COMMANDS.map((c) => c.name)).replace('--', '')}`, { hint: 'run `buildsecrets --help` for the list of commands' });
    }
    const command = await entry.load();
    const rest = [...argv.slice(0, found.index), ...argv.slice(found.index + 1)];
    const args = parseArgs(rest, { ...GLOBAL_OPTIONS, ...command.options }, { passthrough: command.passthrough === true });
    if (args.values['help'] === true) {
      stdout.write(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    if (command.maxPositionals !== undefined && args.positionals.length > command.maxPositionals) {
      const extra = args.positionals.slice(command.maxPositionals);
      throw new UsageError(`${command.name} does not take ${extra.length === 1 ? 'the argument' : 'the arguments'} ${extra.map((a) => `"${a}"`).join(' ')}`, { hint: `usage: buildsecrets ${command.usage}` });
    }
    const global = globalsFrom(args.values, env, stdout);
    const context: CliContext = {
      stdout,
      stderr,
      env,
      cwd: io.cwd ?? process.cwd(),
      global,
      signal,
      redactors,
      async open(extra: Partial<CreateBuildSecretsOptions> = {}) {
        // Loaded on first use: commands that compose nothing (plan, help, version) never load it.
        const { openInstance } = await import('./open-instance.js');
        const bs = await openInstance({
          ...(global.config !== undefined ? { configPath: global.config } : {}),
          cwd: io.cwd ?? process.cwd(),
          env,
          logLevel: global.verbose ? 'debug' : 'info',
          redaction: global.verbose ? 'id' : 'mask',
          log: (line) => stderr.write(`${line}\n`),
          signal,
          ...extra,
        });
        instances.push(bs);
        redactors.push(bs.redactor);
        return bs;
      },
    };
    const code = await command.run(context, args);
    return signals?.exitCode ?? code;
  } catch (error) {
    // A leak found while finishing an interrupted build is reported as a leak, never hidden behind "interrupted".
    if (signals?.exitCode !== undefined && !isCode(error, 'LEAK_DETECTED')) {
      stderr.write(`[buildsecrets] ${interruptedLine(error)}\n`);
      return signals.exitCode;
    }
    if (json) stdout.write(`${errorJson(error, redactors)}\n`);
    else stderr.write(`${renderError(error, { verbose, redactors })}\n`);
    return exitCodeFor(error);
  } finally {
    await Promise.allSettled(instances.map((bs) => bs.dispose()));
    signals?.dispose();
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && Reflect.get(error, 'code') === code;
}

/** The exit line after a signal: whether the engine was stopped in time, or finished and its image was audited. */
function interruptedLine(error: unknown): string {
  if (isCode(error, 'ABORTED') && typeof Reflect.get(error as object, 'imageId') === 'string') return (error as Error).message;
  return 'interrupted before an image was built (the engine, if it ran, was stopped); cleaned up';
}
