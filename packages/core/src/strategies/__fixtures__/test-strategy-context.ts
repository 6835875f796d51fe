import { buildConfigSchema } from '../../config/schema.js';
import { createLogger, type Logger, type LogLevel } from '../../logging/logger.js';
import { createRedactor } from '../../redaction/redactor.js';
import { makeTempDir } from '../../util/temp-dir.js';
import type { StrategyContext } from '../types.js';

/** Options of {@link testStrategyContext}. */
export interface TestStrategyContextOptions {
  /** Every log line lands here. */
  readonly lines: string[];
  /**
   * Route log lines through the context's redactor (default). `false` records them raw, as
   * `<level> <message>`, so a canary check proves the strategy never logged a value at all.
   */
  readonly redactLogs?: boolean;
  /** Lowest level recorded through the redacting logger (default `debug`). */
  readonly logLevel?: LogLevel;
  /** Root for temp dirs (`BUILDSECRETS_TMPDIR`), so a test can assert it is empty afterwards. */
  readonly tmpRoot?: string;
  /** Anything else to replace: signal, redactor, lookup, declaredArgs, tempDir, env. */
  readonly overrides?: Partial<StrategyContext>;
}

/** The strategy context the strategy tests (unit, e2e and reliability) share. */
export function testStrategyContext(options: TestStrategyContextOptions): StrategyContext {
  const redactor = options.overrides?.redactor ?? createRedactor();
  const raw = (level: LogLevel) => (message: string): void => void options.lines.push(`${level} ${message}`);
  const logger: Logger =
    options.redactLogs === false
      ? { debug: raw('debug'), info: raw('info'), warn: raw('warn'), error: raw('error') }
      : createLogger(redactor, { level: options.logLevel ?? 'debug', write: (line) => options.lines.push(line) });
  const env = options.tmpRoot ? { BUILDSECRETS_TMPDIR: options.tmpRoot } : {};
  return {
    logger,
    signal: new AbortController().signal,
    redactor,
    build: buildConfigSchema.parse({}),
    env,
    tempDir: (prefix) => makeTempDir(prefix, env),
    lookup: () => undefined,
    declaredArgs: new Set(),
    ...options.overrides,
  };
}
