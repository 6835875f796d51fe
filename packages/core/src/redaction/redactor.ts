import { Transform } from 'node:stream';
// The search engine (patterns, encodings, matchers, masker) is the audit's scanner: one engine, so the
// redactor masks exactly what the audit would find.
import { buildPatterns, compileMatcher, compileSetMatcher, StreamMasker, valueBytes, type MaskSpec, type PatternSource } from '@buildsecrets/audit';
import { LineMasker, type LineMaskSpec } from './line-masker.js';
import type { RedactionStyle, Redactor } from './types.js';

/** Options for {@link createRedactor}. */
export interface RedactorOptions {
  /** `mask` replaces with `***` (default); `id` with `[secret:<id>]` (for `--verbose`). */
  readonly style?: RedactionStyle;
  /**
   * How long (ms) a stream holds back lines that may be part of a wrapped or dumped value while
   * no more output arrives, before deciding with what it has (default
   * {@link DEFAULT_LINE_HOLD_MS}). Interactive output is never held longer than this.
   */
  readonly lineHoldMs?: number;
}

/** The default of {@link RedactorOptions.lineHoldMs}. */
export const DEFAULT_LINE_HOLD_MS = 200;

/** The encodings that tools wrap into lines (`base64`, PEM, `xxd -p`). */
const WRAPPABLE = new Set(['base64', 'base64url', 'hex', 'hex-upper']);

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
 * base64url in any alignment, hex, URL-encoded variants, JSON-escaped, UTF-16LE; base64 and hex
 * also wrapped into lines, and the bytes shown by `xxd` / `hexdump -C` / `od -An -tx1` dumps — see
 * `line-masker.ts`: such lines are held back for at most one line plus the longest encoded form
 * while output flows, and {@link RedactorOptions.lineHoldMs} when it stops), plus each
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
  let lineSpec: LineMaskSpec | undefined;

  const currentSpec = (): MaskSpec => {
    if (spec) return spec;
    const { patterns } = buildPatterns(sources, { minValueLength: 1, minEncodedLength: MIN_ENCODED_REDACTION_LENGTH });
    const replacements = patterns.map((p) => Buffer.from(style === 'id' ? `[secret:${p.secretId}]` : REDACTION_MASK, 'utf8'));
    const bytes = patterns.map((p) => p.bytes);
    const wordBounded = patterns.map((p) => p.bytes.length < MIN_ENCODED_REDACTION_LENGTH);
    spec = { matcher: compileMatcher(bytes), replacements, prefilter: compileSetMatcher(bytes), wordBounded };
    // Wrapped forms of values of 4+ bytes, and the raw bytes that hex dumps show.
    const wrapped = patterns.flatMap((p, i) => (WRAPPABLE.has(p.encoding) ? [i] : []));
    const dumped = patterns.flatMap((p, i) => (p.encoding === 'raw' && p.bytes.length >= MIN_ENCODED_REDACTION_LENGTH ? [i] : []));
    lineSpec = {
      ...(wrapped.length > 0 ? { joined: compileMatcher(wrapped.map((i) => bytes[i]!)) } : {}),
      joinedReplacements: wrapped.map((i) => replacements[i]!),
      ...(dumped.length > 0 ? { dumped: compileMatcher(dumped.map((i) => bytes[i]!)) } : {}),
      dumpedReplacements: dumped.map((i) => replacements[i]!),
    };
    return spec;
  };
  const currentLineSpec = (): LineMaskSpec => {
    currentSpec();
    return lineSpec!;
  };

  /** Wrapped and dumped forms first (they need the text as printed), then every form within a line. */
  const pipelineOf = (): { push(bytes: Uint8Array): Buffer[]; flush(): Buffer[]; end(): Buffer[]; readonly holding: boolean } => {
    const lines = new LineMasker(currentLineSpec);
    const masker = new StreamMasker(currentSpec);
    // One push per chunk: the byte masker's cost is per call as much as per byte.
    const through = (parts: Buffer[]): Buffer[] => (parts.length === 0 ? [] : masker.push(parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
    return {
      push: (bytes) => through(lines.push(bytes)),
      flush: () => through(lines.flush()),
      end: () => [...through(lines.flush()), ...masker.end()],
      get holding() {
        return lines.holding;
      },
    };
  };

  const redactBytes = (input: Uint8Array): Buffer => {
    const masking = pipelineOf();
    return Buffer.concat([...masking.push(input), ...masking.end()]);
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
      const masking = pipelineOf();
      const holdMs = options.lineHoldMs ?? DEFAULT_LINE_HOLD_MS;
      let timer: NodeJS.Timeout | undefined;
      const stopTimer = (): void => {
        if (timer) clearTimeout(timer);
        timer = undefined;
      };
      const stream: Transform = new Transform({
        transform(chunk: Buffer | string, encoding, done) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
          stopTimer();
          for (const part of masking.push(bytes)) if (part.length > 0) this.push(part);
          // Lines held for a possible wrapped value go out after a quiet spell (an interactive prompt, a stalled build).
          if (masking.holding) {
            timer = setTimeout(() => {
              timer = undefined;
              if (!stream.writableEnded && !stream.destroyed) for (const part of masking.flush()) if (part.length > 0) stream.push(part);
            }, holdMs);
            timer.unref();
          }
          done();
        },
        flush(done) {
          stopTimer();
          for (const part of masking.end()) if (part.length > 0) this.push(part);
          done();
        },
        destroy(error, done) {
          stopTimer();
          done(error);
        },
      });
      return stream;
    },
  };
}
