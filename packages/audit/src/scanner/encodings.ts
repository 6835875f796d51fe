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
  | 'url-full'
  | 'json'
  | 'utf16le'
  | 'line'
  | 'base64-wrapped'
  | 'base64url-wrapped'
  | 'hex-wrapped'
  | 'hex-upper-wrapped'
  | 'hex-dump';

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

/** `encodeURIComponent` leaves these unencoded; RFC 3986 (`URLSearchParams`, curl, Go, Python `quote`) encodes `!'()*` too. */
const COMPONENT_SAFE = /[A-Za-z0-9\-_.!~*'()]/;
const RFC3986_SAFE = /[A-Za-z0-9\-_.~]/;
/** `URLSearchParams` and HTML forms (WHATWG `application/x-www-form-urlencoded`) leave only `*-._` unencoded. */
const WHATWG_SAFE = /[A-Za-z0-9*\-_.]/;

/** How a URL encoder writes a value. */
export interface UrlStyle {
  /** `component` (JavaScript), `rfc3986` (most other libraries), `whatwg` (`URLSearchParams`), `all` (every byte as `%XX`). */
  readonly safe: 'component' | 'rfc3986' | 'whatwg' | 'all';
  /** Space as `+` (`application/x-www-form-urlencoded`). */
  readonly form?: boolean;
  /** `%2f` rather than `%2F`. */
  readonly lower?: boolean;
}

/**
 * Percent-encoding byte by byte, the way `encodeURIComponent` encodes UTF-8 text (and also
 * defined for bytes that are not UTF-8), in the given style.
 */
export function urlEncode(value: Buffer, style: UrlStyle | boolean): Buffer {
  const s: UrlStyle = typeof style === 'boolean' ? { safe: 'component', form: style } : style;
  const safe = s.safe === 'component' ? COMPONENT_SAFE : s.safe === 'rfc3986' ? RFC3986_SAFE : s.safe === 'whatwg' ? WHATWG_SAFE : undefined;
  let text = '';
  for (const byte of value) {
    const ch = String.fromCharCode(byte);
    if (safe && byte < 0x80 && safe.test(ch)) text += ch;
    else if (s.form && byte === 0x20) text += '+';
    else {
      const hex = byte.toString(16).padStart(2, '0');
      text += `%${s.lower ? hex : hex.toUpperCase()}`;
    }
  }
  return Buffer.from(text, 'latin1');
}

/** Every URL-encoded form of `value` a common encoder writes, by encoding name (duplicates included). */
export function urlForms(value: Buffer): { encoding: EncodingName; bytes: Buffer }[] {
  const out: { encoding: EncodingName; bytes: Buffer }[] = [];
  for (const lower of [false, true]) {
    for (const safe of ['component', 'rfc3986', 'whatwg'] as const) {
      out.push({ encoding: 'url', bytes: urlEncode(value, { safe, lower }) });
      out.push({ encoding: 'url-form', bytes: urlEncode(value, { safe, lower, form: true }) });
    }
    out.push({ encoding: 'url-full', bytes: urlEncode(value, { safe: 'all', lower }) });
  }
  return out;
}

/** The value as UTF-16LE text (Windows tools, .NET, PowerShell): UTF-8 text re-encoded, other bytes widened. */
export function utf16le(value: Buffer): Buffer {
  const text = value.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(value)) return Buffer.from(text, 'utf16le');
  return Buffer.from(value.toString('latin1'), 'utf16le');
}

/** The value without one trailing `\n` or `\r\n` (what `$(cat file)` and most readers strip), or undefined. */
export function withoutTrailingNewline(value: Buffer): Buffer | undefined {
  if (value.length >= 2 && value[value.length - 2] === 0x0d && value[value.length - 1] === 0x0a) return value.subarray(0, -2);
  if (value.length >= 1 && value[value.length - 1] === 0x0a) return value.subarray(0, -1);
  return undefined;
}

/** The value as it appears inside a JSON string literal (quotes stripped); `undefined` if it is not UTF-8 text. */
export function jsonEscape(value: Buffer): Buffer | undefined {
  const text = value.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(value)) return undefined;
  return Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8');
}

/** JSON as PHP and some Java encoders write it: `/` escaped as `\\/`; undefined when that changes nothing. */
export function jsonEscapeSlashes(value: Buffer): Buffer | undefined {
  const json = jsonEscape(value);
  if (!json || !json.includes(0x2f)) return undefined;
  return Buffer.from(json.toString('utf8').replaceAll('/', '\\/'), 'utf8');
}
