import { createRedactor } from '@buildsecrets/core';

/** The most of a provider's stderr an error message shows. */
export const STDERR_SHOWN = 4 * 1024;

// eslint-disable-next-line no-control-regex -- stripping terminal control codes is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * Make a provider's stderr safe to quote: drop control characters FIRST (so a value echoed with a
 * control character inside cannot slip past the mask and come out whole once the character is
 * stripped), then mask every known value — what this provider has resolved, what the failing call
 * printed on stdout, the credentials passed in its environment — in every encoding the core
 * redactor knows (raw, base64 and base64url at each alignment, hex, URL, JSON, line by line), and
 * cap the rest at {@link STDERR_SHOWN} bytes. Stdout itself is never quoted: a provider may have
 * printed part of a value before failing.
 */
export function scrubStderr(stderr: Buffer, known: Iterable<string>): string {
  const text = stderr.toString('utf8').replace(CONTROL, '');
  const redactor = createRedactor();
  for (const value of known) {
    if (value.length === 0) continue;
    // The value as the normalised text would show it, plus its trimmed form and its lines
    // (multi-line values such as keys may be echoed one line at a time).
    for (const form of [value, value.replace(CONTROL, '')]) {
      redactor.add('known', form);
      if (form.trim().length > 0) redactor.add('known', form.trim());
      for (const line of form.split(/\r?\n/)) if (line.trim().length >= 4) redactor.add('known', line.trim());
    }
  }
  const scrubbed = redactor.redact(text).trim();
  const bytes = Buffer.from(scrubbed, 'utf8');
  if (bytes.length <= STDERR_SHOWN) return scrubbed;
  return `${bytes.subarray(0, STDERR_SHOWN).toString('utf8').replace(/\uFFFD+$/, '')}…`;
}
