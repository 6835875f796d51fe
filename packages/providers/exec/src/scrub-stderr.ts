/** The most of a provider's stderr an error message shows. */
export const STDERR_SHOWN = 4 * 1024;

/**
 * Make a provider's stderr safe to quote: remove every known value (what this provider has
 * resolved, what the failing call printed on stdout, the credentials passed in its environment),
 * drop control characters, and cap the rest at {@link STDERR_SHOWN} bytes. Stdout itself is never
 * quoted: a provider may have printed part of a value before failing.
 */
export function scrubStderr(stderr: Buffer, known: Iterable<string>): string {
  let text = stderr.toString('utf8');
  const needles = new Set<string>();
  for (const value of known) {
    if (value.length === 0) continue;
    needles.add(value);
    const trimmed = value.trim();
    if (trimmed.length > 0) needles.add(trimmed);
    // Multi-line values (keys) may be echoed one line at a time.
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= 4) needles.add(line.trim());
  }
  // Longest first, so a value containing another is removed whole.
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) text = text.split(needle).join('***');
  // eslint-disable-next-line no-control-regex -- stripping terminal control codes is the point
  text = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= STDERR_SHOWN) return text;
  return `${bytes.subarray(0, STDERR_SHOWN).toString('utf8').replace(/\uFFFD+$/, '')}…`;
}
