import { Transform } from 'node:stream';
// The search engine (patterns, encodings, matchers, masker) is the audit's scanner: one engine, so the
// redactor masks exactly what the audit would find.
import { buildPatterns, compileMatcher, compileSetMatcher, StreamMasker, valueBytes, type MaskSpec, type PatternSource } from '@buildsecrets/audit';
import type { RedactionStyle, Redactor } from './types.js';

/** Options for {@link createRedactor}. */
export interface RedactorOptions {
  /** `mask` replaces with `***` (default); `id` with `[secret:<id>]` (for `--verbose`). */
  readonly style?: RedactionStyle;
}

/**
 * Values shorter than this many bytes are redacted only in their raw form: their encodings are
 * so short that they would mask unrelated text.
 */
export const MIN_ENCODED_REDACTION_LENGTH = 4;

/** The mask written in place of a value with the default style. */
export const REDACTION_MASK = '***';

/**
 * Make the run's redactor. It masks every registered value raw (and without its trailing
 * newline) and, for values of 4 bytes or more, in every encoding the auditor searches (base64 /
 * base64url in any alignment, hex, URL-encoded variants, JSON-escaped, UTF-16LE), plus each
 * identifying line of a multi-line value (armour, short and low-entropy lines excepted). Values of
 * 1–3 bytes are masked only where they stand alone, never inside a word (`x` in `export`).
 * All patterns are searched in one pass.
 *
 * @example
 * ```ts
 * const redactor = createRedactor();
 * redactor.add('npm_token', value);
 * engine.stdout.pipe(redactor.createStream()).pipe(process.stderr);
 * ```
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const style = options.style ?? 'mask';
  const sources: PatternSource[] = [];
  const known = new Set<string>();
  let spec: MaskSpec | undefined;

  const currentSpec = (): MaskSpec => {
    if (spec) return spec;
    const { patterns } = buildPatterns(sources, { minValueLength: 1, minEncodedLength: MIN_ENCODED_REDACTION_LENGTH });
    const replacements = patterns.map((p) => Buffer.from(style === 'id' ? `[secret:${p.secretId}]` : REDACTION_MASK, 'utf8'));
    const bytes = patterns.map((p) => p.bytes);
    const wordBounded = patterns.map((p) => p.bytes.length < MIN_ENCODED_REDACTION_LENGTH);
    spec = { matcher: compileMatcher(bytes), replacements, prefilter: compileSetMatcher(bytes), wordBounded };
    return spec;
  };

  const redactBytes = (input: Uint8Array): Buffer => {
    const masker = new StreamMasker(currentSpec);
    return Buffer.concat([...masker.push(input), ...masker.end()]);
  };

  return {
    get size() {
      return sources.length;
    },
    add(label, value) {
      const bytes = valueBytes(value);
      if (bytes.length === 0) return;
      const key = `${label}\u0000${bytes.toString('latin1')}`;
      if (known.has(key)) return;
      known.add(key);
      sources.push({ id: label, value: bytes });
      spec = undefined;
    },
    redact(text) {
      if (sources.length === 0 || text.length === 0) return text;
      return redactBytes(Buffer.from(text, 'utf8')).toString('utf8');
    },
    createStream() {
      const masker = new StreamMasker(currentSpec);
      return new Transform({
        transform(chunk: Buffer | string, encoding, done) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
          for (const part of masker.push(bytes)) if (part.length > 0) this.push(part);
          done();
        },
        flush(done) {
          for (const part of masker.end()) if (part.length > 0) this.push(part);
          done();
        },
      });
    },
  };
}
