import { randomUUID } from 'node:crypto';
import { appendFileSync, writeSync } from 'node:fs';

/**
 * Workflow commands and files as the GitHub Actions runner reads them. Written synchronously to fd 1
 * so their order against everything else the action prints is the order they were issued in: a mask
 * must reach the runner before any line that could hold the value.
 */

/** `%`, `\r`, `\n` escaped as the runner unescapes command data (`%25`, `%0D`, `%0A`). */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Property values also escape `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** Where commands go (stdout by default; tests pass their own). */
export type CommandSink = (line: string) => void;

/** The runner's stdout: one synchronous write per line. */
export const stdoutSink: CommandSink = (line) => {
  writeSync(1, line.endsWith('\n') ? line : `${line}\n`);
};

/** Issue `::name props::data`. */
export function issueCommand(sink: CommandSink, name: string, data: string, properties: Readonly<Record<string, string>> = {}): void {
  const props = Object.entries(properties).map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',');
  sink(`::${name}${props ? ` ${props}` : ''}::${escapeData(data)}`);
}

/**
 * Append `name` to the `GITHUB_OUTPUT` file in the multi-line form, with a random delimiter per
 * value (as the toolkit does): a value holding the delimiter could end it early and inject another
 * output, so such a value is refused rather than written.
 */
export function setOutput(file: string, name: string, value: string): void {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`output ${name} contains its delimiter`);
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/**
 * Stop the runner from reading workflow commands in what follows (the engine's output: a RUN step
 * could print `::add-mask::` or `::error::` lines), until {@link resumeCommands} with the same token.
 */
export function stopCommands(sink: CommandSink): string {
  const token = `buildsecrets-${randomUUID()}`;
  sink(`::stop-commands::${token}`);
  return token;
}

/** End {@link stopCommands}. */
export function resumeCommands(sink: CommandSink, token: string): void {
  sink(`::${token}::`);
}
