import type { Redactor } from '../redaction/types.js';

/**
 * Redact an error's text in place (message, stack, hint) before it leaves `createBuildSecrets`:
 * its redactor dies with it, so nothing downstream (the CLI's text and `--json` output) could
 * mask a `${VAR}` value that a message quotes — an interpolated `use:` path, for instance.
 * Returns the same error, for `throw redactError(e, r)`.
 */
export function redactError(error: unknown, redactor: Redactor): unknown {
  if (typeof error !== 'object' || error === null) return error;
  for (const field of ['message', 'stack', 'hint'] as const) {
    const text: unknown = Reflect.get(error, field);
    if (typeof text !== 'string') continue;
    const redacted = redactor.redact(text);
    if (redacted !== text) Object.defineProperty(error, field, { value: redacted, enumerable: field === 'hint', writable: true, configurable: true });
  }
  return error;
}
