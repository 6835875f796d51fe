import type { Logger } from '@buildsecrets/core';

/** The AWS SDK's notice that a future release will drop this Node.js major. */
const SDK_NODE_WARNING = /NodeVersionSupportWarning|The AWS SDK for JavaScript \(v3\)/;

type EmitWarning = typeof process.emitWarning;

function textOf(warning: unknown): string {
  if (typeof warning === 'string') return warning;
  if (warning instanceof Error) return `${warning.name}: ${warning.message}`;
  return '';
}

/**
 * Run `make` (which constructs an AWS SDK client) while the SDK's Node-version support notice is
 * diverted from stderr to `logger.debug`. The SDK emits it synchronously from the client
 * constructor through `process.emitWarning`, so the window is exactly that call and no other
 * code's warnings can be swallowed. The SDK itself emits the notice at most once per process.
 */
export function withSdkNodeWarningAsDebug<T>(logger: Logger, make: () => T): T {
  const original: EmitWarning = process.emitWarning;
  const diverted: string[] = [];
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const text = textOf(warning);
    if (SDK_NODE_WARNING.test(text)) {
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
    for (const text of diverted) logger.debug(`AWS SDK notice (not an error): ${text.replace(/\s*\n\s*/g, ' ')}`);
  }
}
