import { createHash } from 'node:crypto';
import { buildPatterns, MIN_ENCODED_REDACTION_LENGTH, type SecretValue } from '@buildsecrets/core';
import { issueCommand, type CommandSink } from './workflow-commands.js';

/** Lines shorter than this are not masked alone (a 1–3 character mask would blank ordinary log text). */
const MIN_LINE_MASK = 4;

/**
 * Register a resolved value with the runner's masking so no later step prints it, without ever
 * printing it: every known way `::add-mask::` has leaked is handled.
 *
 * - A value with a line break ends the command at the break and the rest of the value is printed
 *   as plain log text (actions/runner#161; actions/toolkit#1421/#1427). So the data is escaped
 *   (`%`→`%25`, `\r`→`%0D`, `\n`→`%0A`, which the runner unescapes) and never contains a raw break,
 *   and each line is registered on its own too (the runner does that itself only since
 *   actions/runner#1521; older runners and the escaped whole value still need it).
 * - Unescaped `%` would be unescaped by the runner (`%0A` in a value becomes a newline) and the
 *   wrong string masked: `%` is escaped first.
 * - `::add-mask::` was echoed into the log before it took effect when debug logging or
 *   `::echo::on` was set, and still is when it is the first command of a step (actions/runner#158,
 *   #159): the action issues `::echo::off` before its first mask ({@link startMasking}).
 * - A value that reaches the log, a step output or an input before its mask is registered stays in
 *   the log (actions/runner#475): masks are registered from the redactor's registration hook, the
 *   moment each value is resolved and before anything uses it; no value is ever an output.
 * - The encoded forms the redactor masks (base64 at each alignment, base64url, hex, URL and JSON
 *   escapes, significant lines) are registered as well: the runner masks only what it is given.
 */
export class RunnerMasks {
  private readonly seen = new Set<string>();
  constructor(private readonly sink: CommandSink) {}

  /** Register `value` and its encoded forms. */
  add(value: SecretValue | string | Uint8Array): void {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value instanceof Uint8Array ? Buffer.from(value) : value.reveal();
    try {
      const whole = bytes.toString('utf8');
      this.mask(whole, 1);
      for (const line of whole.split(/[\r\n]+/)) this.mask(line.trim(), MIN_LINE_MASK);
      const { patterns } = buildPatterns([{ id: 'v', value: bytes }], { minValueLength: 1, minEncodedLength: MIN_ENCODED_REDACTION_LENGTH });
      for (const pattern of patterns) {
        // Only text the log can hold (UTF-16LE and other binary forms never reach a log line intact).
        const text = pattern.bytes.toString('utf8');
        if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(text)) continue;
        this.mask(text, MIN_LINE_MASK);
      }
    } finally {
      bytes.fill(0);
    }
  }

  private mask(text: string, minLength: number): void {
    // Remembered by hash, so the set never keeps a value alive.
    const key = createHash('sha256').update(text).digest('hex');
    if (text.trim().length < minLength || this.seen.has(key)) return;
    this.seen.add(key);
    issueCommand(this.sink, 'add-mask', text);
  }
}

/** `::echo::off` before any mask: an `add-mask` is never the first command of the step, never echoed. */
export function startMasking(sink: CommandSink): RunnerMasks {
  sink('::echo::off');
  return new RunnerMasks(sink);
}
