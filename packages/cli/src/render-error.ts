import { BuildSecretsError, verboseDetails, type Redactor } from '@buildsecrets/core';

function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = (error as { cause?: unknown })?.cause;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    lines.push(`  caused by: ${current instanceof Error ? `${current.name}: ${current.message}` : typeof current}`);
    current = (current as { cause?: unknown }).cause;
  }
  return lines;
}

/**
 * The user-facing text of an error: one clear paragraph, no stack trace unless verbose. Everything
 * passes through every redactor the run made, so even an unexpected error cannot print a value.
 */
export function renderError(error: unknown, options: { readonly verbose: boolean; readonly redactors: readonly Redactor[] }): string {
  const redact = (text: string): string => options.redactors.reduce((t, r) => r.redact(t), text);
  let text: string;
  if (error instanceof BuildSecretsError) {
    text = error.message;
    if (options.verbose) text += [``, `  code: ${error.code}`, ...verboseDetails(error).map((d) => `  detail: ${d}`), ...causeChain(error), ...(error.stack ? [`  stack:\n${error.stack.split('\n').slice(1).join('\n')}`] : [])].join('\n');
  } else {
    const name = error instanceof Error ? error.name : typeof error;
    // Messages of foreign errors are not trusted: they are shown only with --verbose, redacted.
    text = `[buildsecrets] internal error (${name}); this is a bug — please report it with the output of --verbose`;
    if (options.verbose && error instanceof Error) text += `\n  ${error.message}\n${error.stack ?? ''}`;
  }
  return redact(text);
}

/** The JSON form of an error for `--json`. */
export function errorJson(error: unknown, redactors: readonly Redactor[]): string {
  const redact = (text: string): string => redactors.reduce((t, r) => r.redact(t), text);
  const body = error instanceof BuildSecretsError ? error.toJSON() : { code: 'INTERNAL', message: 'internal error' };
  return redact(JSON.stringify({ ok: false, error: body }, null, 2));
}
