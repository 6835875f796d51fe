import { Transform } from 'node:stream';
import { SecretValue } from '../secret-value.js';
import type { RedactionStyle, Redactor } from './types.js';

/** Options for {@link createRedactor}. */
export interface RedactorOptions {
  /** `mask` replaces with `***` (default); `id` with `[secret:<id>]` (for `--verbose`). */
  readonly style?: RedactionStyle;
}

interface Pattern {
  readonly text: string;
  readonly label: string;
}

/** Values shorter than this are still redacted in logs (better safe), but only in their raw form. */
const MIN_ENCODED_LENGTH = 4;

function encodingsOf(raw: string): string[] {
  const out = new Set<string>([raw]);
  if (raw.length >= MIN_ENCODED_LENGTH) {
    const bytes = Buffer.from(raw, 'utf8');
    out.add(bytes.toString('base64'));
    out.add(bytes.toString('base64url'));
    out.add(encodeURIComponent(raw));
    out.add(JSON.stringify(raw).slice(1, -1));
  }
  // A multi-line value (a PEM key) is also redacted line by line: builds print partial output.
  if (raw.includes('\n')) for (const line of raw.split(/\r?\n/)) if (line.trim().length >= 8) out.add(line);
  return [...out].filter((s) => s.length > 0);
}

/**
 * Make the run's redactor. Longest patterns are replaced first so a value that contains another
 * value is masked whole.
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const style = options.style ?? 'mask';
  const patterns = new Map<string, Pattern>();
  let sorted: Pattern[] = [];
  let longest = 0;

  const replacement = (label: string): string => (style === 'id' ? `[secret:${label}]` : '***');

  const redact = (text: string): string => {
    let out = text;
    for (const p of sorted) if (out.includes(p.text)) out = out.split(p.text).join(replacement(p.label));
    return out;
  };

  return {
    get size() {
      return patterns.size;
    },
    add(label, value) {
      const raw = value instanceof SecretValue ? value.revealString() : typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
      if (raw.length === 0) return;
      for (const text of encodingsOf(raw)) if (!patterns.has(text)) patterns.set(text, { text, label });
      sorted = [...patterns.values()].sort((a, b) => b.text.length - a.text.length);
      longest = sorted[0]?.text.length ?? 0;
    },
    redact,
    createStream() {
      let pending = '';
      return new Transform({
        transform(chunk: Buffer | string, _enc, done) {
          pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
          const redacted = redact(pending);
          // Hold back a tail that could be the start of a value split across chunks.
          const keep = Math.max(0, longest - 1);
          const cut = Math.max(0, redacted.length - keep);
          pending = redacted.slice(cut);
          done(null, redacted.slice(0, cut));
        },
        flush(done) {
          done(null, redact(pending));
        },
      });
    },
  };
}
