import type { BuildSecrets, CreateBuildSecretsOptions, Redactor } from '@buildsecrets/core';
import type { OptionSpecs, ParsedArgs } from './args.js';

/** Options every command understands. */
export interface GlobalOptions {
  /** `--config FILE`. */
  readonly config: string | undefined;
  /** `--json`: machine-readable output on stdout. */
  readonly json: boolean;
  /** `--verbose`: debug logs, `[secret:<id>]` redaction labels, error causes. */
  readonly verbose: boolean;
  /** Colour on stdout (off with NO_COLOR or when not a TTY). */
  readonly color: boolean;
}

/** What a command gets to work with; tests pass their own streams and environment. */
export interface CliContext {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly global: GlobalOptions;
  /** Cancelled on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  /**
   * Make the library instance with the global options applied (config path, log level, redaction
   * style, logs to stderr). The CLI disposes it after the command and uses its redactor for errors.
   */
  open(extra?: Partial<CreateBuildSecretsOptions>): Promise<BuildSecrets>;
  /** Redactors of every instance opened so far (error output passes through them). */
  readonly redactors: Redactor[];
}

/** One `buildsecrets <name>` command. */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage line(s) after `buildsecrets`. */
  readonly usage: string;
  /** Extra help text (examples, notes). */
  readonly details?: string;
  /** Command options (global ones are added by the CLI). */
  readonly options: OptionSpecs;
  /** How many positional arguments the command takes; more are a usage error. Unset: the command checks. */
  readonly maxPositionals?: number;
  /** Collect unknown options for docker instead of refusing them. */
  readonly passthrough?: boolean;
  /** Run; resolve to the exit code. Throw typed errors; the CLI prints them. */
  run(context: CliContext, args: ParsedArgs): Promise<number>;
}
