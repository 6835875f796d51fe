import { SecretValue } from '@buildsecrets/base';
import { base64Alignments, jsonEscape, jsonEscapeSlashes, urlForms, utf16le, withoutTrailingNewline, type EncodingName } from './encodings.js';
import { significantLines } from './line-significance.js';

/** One byte sequence to look for, and which secret and encoding it stands for. Holds value bytes: keep it in memory only. */
export interface SecretPattern {
  /** The secret id the pattern was made from. */
  readonly secretId: string;
  /** How the value was encoded to make this pattern. */
  readonly encoding: EncodingName;
  /** The bytes to search for. */
  readonly bytes: Buffer;
}

/** A secret to build patterns for. */
export interface PatternSource {
  /** The secret id. */
  readonly id: string;
  /** The value (a string is taken as UTF-8). */
  readonly value: SecretValue | string | Uint8Array;
  /**
   * Also search each significant line on its own (default true). False for a rendered template:
   * its lines are mostly literal text (`[default]`, `always-auth=true`) that would match clean
   * images; the values embedded in it are sources of their own.
   */
  readonly lines?: boolean;
}

/** Options for {@link buildPatterns}. */
export interface BuildPatternsOptions {
  /**
   * Values shorter than this (in bytes) are not searched at all and are listed in `tooShort`
   * instead: a short value matches everywhere by chance. Default 8 (the auditor's threshold).
   */
  readonly minValueLength?: number;
  /** Values shorter than this are searched only in their raw form. Default: `minValueLength`. */
  readonly minEncodedLength?: number;
}

/** The patterns for a set of secrets, and the ids whose values were too short to search. */
export interface PatternSet {
  /** Every distinct (secret id, bytes) pattern. */
  readonly patterns: readonly SecretPattern[];
  /** Ids of secrets whose values were shorter than `minValueLength`. */
  readonly tooShort: readonly string[];
}

/** Values shorter than this many bytes are not searched by the auditor: they would match by chance. */
export const AUDIT_MIN_VALUE_LENGTH = 8;

/** The bytes of a value, whatever form it was given in. */
export function valueBytes(value: SecretValue | string | Uint8Array): Buffer {
  if (value instanceof SecretValue) return value.reveal();
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
}

/** Every encoded form of one value, in a fixed order (raw first, so deduplication keeps the plainest name). */
export function encodingsOf(bytes: Buffer, options: { encoded: boolean; lines?: boolean }): { encoding: EncodingName; bytes: Buffer }[] {
  const out: { encoding: EncodingName; bytes: Buffer }[] = [{ encoding: 'raw', bytes }];
  if (!options.encoded) return out;
  for (const b of base64Alignments(bytes, 'base64')) out.push({ encoding: 'base64', bytes: b });
  for (const b of base64Alignments(bytes, 'base64url')) out.push({ encoding: 'base64url', bytes: b });
  const hex = bytes.toString('hex');
  out.push({ encoding: 'hex', bytes: Buffer.from(hex, 'latin1') }, { encoding: 'hex-upper', bytes: Buffer.from(hex.toUpperCase(), 'latin1') });
  out.push(...urlForms(bytes));
  const json = jsonEscape(bytes);
  if (json) out.push({ encoding: 'json', bytes: json });
  const jsonSlashes = jsonEscapeSlashes(bytes);
  if (jsonSlashes) out.push({ encoding: 'json', bytes: jsonSlashes });
  out.push({ encoding: 'utf16le', bytes: utf16le(bytes) });
  if (options.lines !== false) for (const line of significantLines(bytes)) out.push({ encoding: 'line', bytes: line });
  return out;
}

/**
 * The bytes to search for: the value without one trailing `\n` or `\r\n`. A secret file usually
 * ends in a newline that `$(cat file)`, `read` and most parsers strip before use; every form of
 * the stripped value (raw, hex, base64 in any alignment, URL, JSON, UTF-16LE) is a prefix of the
 * same form of the whole value, so searching for the stripped one finds both.
 */
export function searchableValue(bytes: Buffer): Buffer {
  const stripped = withoutTrailingNewline(bytes);
  return stripped && stripped.length > 0 ? stripped : bytes;
}

/**
 * Build the search patterns for `sources`: each value (and, when it ends in a newline, the value
 * without it) raw, in base64 and base64url (all three alignments), hex (both cases), URL-encoded
 * (JavaScript and RFC 3986 styles, upper and lower case, form and fully percent-encoded),
 * JSON-escaped, UTF-16LE, and by its identifying lines when it spans lines (the rule is in
 * `line-significance.ts`: no armour, no certificate or public key, only lines holding a word that looks
 * like key material or a token rather than words, host names or a URL's public parts). Duplicates (the same bytes for the same secret) are dropped; the same bytes for two
 * secrets are kept twice so both ids are reported.
 *
 * @example
 * ```ts
 * const { patterns, tooShort } = buildPatterns([{ id: 'npm_token', value }]);
 * ```
 */
export function buildPatterns(sources: readonly PatternSource[], options: BuildPatternsOptions = {}): PatternSet {
  const minValue = options.minValueLength ?? AUDIT_MIN_VALUE_LENGTH;
  const minEncoded = options.minEncodedLength ?? minValue;
  const patterns: SecretPattern[] = [];
  const tooShort: string[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    const bytes = valueBytes(source.value);
    if (bytes.length === 0) continue;
    // A short value plus `\n` stays short.
    const searched = searchableValue(bytes);
    if (searched.length < minValue) {
      if (!tooShort.includes(source.id)) tooShort.push(source.id);
      continue;
    }
    const forms = encodingsOf(searched, { encoded: searched.length >= minEncoded, lines: source.lines !== false });
    // Stripped below the encoding minimum (the redactor's 4 bytes): the whole value's encodings still count.
    if (searched.length < minEncoded && bytes.length >= minEncoded) forms.push(...encodingsOf(bytes, { encoded: true, lines: source.lines !== false }));
    for (const form of forms) {
      if (form.bytes.length === 0) continue;
      const key = `${source.id}\u0000${form.bytes.toString('latin1')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      patterns.push({ secretId: source.id, encoding: form.encoding, bytes: form.bytes });
    }
  }
  return { patterns, tooShort };
}
