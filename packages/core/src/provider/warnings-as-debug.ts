import type { Logger } from '../logging/logger.js';

type EmitWarning = typeof process.emitWarning;

function textOf(warning: unknown): string {
  if (typeof warning === 'string') return warning;
  if (warning instanceof Error) return `${warning.name}: ${warning.message}`;
  return '';
}

/**
 * Run `make` while process warnings matching `match` are diverted from stderr to `logger.debug`
 * (prefixed with `label`). Vendor SDKs emit notices such as "this Node.js major will be dropped"
 * synchronously from a client's constructor through `process.emitWarning`; wrapping exactly that
 * call keeps them out of a build's output without swallowing any other code's warnings.
 *
 * @example
 * ```ts
 * const client = withWarningsAsDebug(context.logger, /NodeVersionSupportWarning/, 'AWS SDK notice', () => new SSMClient({}));
 * ```
 */
export function withWarningsAsDebug<T>(logger: Logger, match: RegExp, label: string, make: () => T): T {
  const original: EmitWarning = process.emitWarning;
  const diverted: string[] = [];
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const text = textOf(warning);
    if (match.test(text)) {
      diverted.push(text);
      return;
    }
    Reflect.apply(original, this, [warning, ...rest]);
  };
  process.emitWarning = filtered as EmitWarning;
  try {
    return make();
  } finally {
    process.emitWarning = original;
    for (const text of diverted) logger.debug(`${label}: ${text.replace(/\s*\n\s*/g, ' ')}`);
  }
}
