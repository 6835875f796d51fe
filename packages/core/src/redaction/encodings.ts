/**
 * The textual forms a secret value commonly takes inside logs and images. Each function returns
 * the bytes that are fully determined by the value alone, so a match never depends on what sits
 * next to the value.
 */

/** Names of the encodings a value is searched in. */
export type EncodingName =
  | 'raw'
  | 'base64'
  | 'base64url'
  | 'hex'
  | 'hex-upper'
  | 'url'
  | 'url-form'
  | 'json'
  | 'line';

/**
 * Base64 of `value` as it appears inside a longer blob, for each of the three alignments. With
 * `k` bytes before the value, the first ceil(8k/6) characters mix in the neighbour's bits and the
 * characters after the value's last full sextet mix in the next byte's, so both edges are cut.
 */
export function base64Alignments(value: Buffer, alphabet: 'base64' | 'base64url'): Buffer[] {
  const out: Buffer[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), value]).toString(alphabet);
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + value.length)) / 6);
    if (end > start) out.push(Buffer.from(encoded.slice(start, end), 'latin1'));
  }
  return out;
}

const UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;

/**
 * Percent-encoding byte by byte, the way `encodeURIComponent` encodes UTF-8 text (and also
 * defined for bytes that are not UTF-8). With `form`, space becomes `+` as in
 * `application/x-www-form-urlencoded`.
 */
export function urlEncode(value: Buffer, form: boolean): Buffer {
  let text = '';
  for (const byte of value) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(ch)) text += ch;
    else if (form && byte === 0x20) text += '+';
    else text += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return Buffer.from(text, 'latin1');
}

/** The value as it appears inside a JSON string literal (quotes stripped); `undefined` if it is not UTF-8 text. */
export function jsonEscape(value: Buffer): Buffer | undefined {
  const text = value.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(value)) return undefined;
  return Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8');
}

/** Lines of a multi-line value (a PEM key) long enough to identify it, without their line ending. */
export function significantLines(value: Buffer, minLength: number): Buffer[] {
  const text = value.toString('latin1');
  if (!/[\r\n]/.test(text)) return [];
  return text
    .split(/\r?\n|\r/)
    // Re-indented copies (YAML, heredocs) keep the line's content but not its indentation.
    .map((line) => line.trim())
    .filter((line) => line.length >= minLength)
    .map((line) => Buffer.from(line, 'latin1'));
}
