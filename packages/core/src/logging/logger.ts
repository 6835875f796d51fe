import type { Redactor } from '../redaction/types.js';

/** Log levels, in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The logger handed to providers, strategies and the engine. Every line passes through the run's
 * {@link Redactor} before it is written, so a value can never reach a log even by mistake.
 */
export interface Logger {
  /** Detail shown only with `--verbose`. */
  debug(message: string): void;
  /** Progress. */
  info(message: string): void;
  /** Something the user should look at. */
  warn(message: string): void;
  /** A failure. */
  error(message: string): void;
}

/** Where log lines go and which levels pass. */
export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  readonly level?: LogLevel;
  /** The sink for each finished, redacted line (default: stderr). */
  readonly write?: (line: string, level: LogLevel) => void;
  /** Prefix for every line (for example `[buildsecrets]`). */
  readonly prefix?: string;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Make a logger that redacts through `redactor` (the redactor is read at write time, so values added later are covered). */
export function createLogger(redactor: Redactor, options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = options.prefix ?? '[buildsecrets]';
  const emit = (level: LogLevel, message: string): void => {
    if (ORDER[level] < min) return;
    const tag = level === 'info' ? '' : ` ${level}:`;
    write(redactor.redact(`${prefix}${tag} ${message}`), level);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}

/** A logger that drops everything (for library users who do not want output). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
