import type { Logger, LogLevel } from './logger.js';

/** A logger whose lines wait for {@link HeldLogger.release} (see {@link holdLogger}). */
export interface HeldLogger {
  /** Queues each line until `release()`; afterwards writes straight to the target. */
  readonly logger: Logger;
  /** Write the queued lines to the target, in order, and pass every later line straight through. Idempotent. */
  release(): void;
}

/**
 * Hold `target`'s lines back until `release()`. The build holds its progress lines until the
 * engine has started: the first line written after the values are resolved makes the redactor
 * build its masks for them (tens of milliseconds in a fresh process), and written later that work
 * overlaps the engine's own start-up instead of delaying it. Lines are redacted when written, so a
 * held line is masked against every value known by then — never fewer than when it was logged.
 */
export function holdLogger(target: Logger): HeldLogger {
  let held: [LogLevel, string][] | undefined = [];
  const at = (level: LogLevel) => (message: string): void => {
    if (held) held.push([level, message]);
    else target[level](message);
  };
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    release() {
      const lines = held ?? [];
      held = undefined;
      for (const [level, message] of lines) target[level](message);
    },
  };
}
