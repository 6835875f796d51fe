/**
 * Whether a word of a line looks like secret material — a key, a token, a password — rather than
 * words, a host name or the public parts of a URL. Lines of a multi-line value are searched on
 * their own only when they hold such a word (see `line-significance.ts`): a credential file's other
 * lines (`"type": "service_account",`, `region = us-east-1`, `NODE_ENV=production`) stand in
 * ordinary files too — READMEs, SDK sources, other keys of the same kind — and searching for them
 * fails clean builds.
 *
 * The measure, for one candidate piece of text:
 * - at least {@link MIN_TOKEN_BYTES} bytes carrying at least {@link MIN_TOKEN_BITS} bits (length ×
 *   the Shannon entropy of its own byte frequencies);
 * - not a host name or e-mail address (dot-separated labels ending in an alphabetic one), nor the
 *   base64 of a whole public PEM block (kubeconfig's `certificate-authority-data`);
 * - hexadecimal with both digits and letters counts as it is (hex letters pair like English ones);
 * - otherwise it must not read like words ({@link readsLikeWords}): pairs of adjacent letters that
 *   are mostly among the {@link COMMON_LETTER_PAIRS} of English text (words and identifiers score
 *   ≈ 0.7 on average, random base64, base62, base32 or lower-case text ≈ 0.18: 120 of the 676
 *   pairs) and seldom change case. Text with fewer than 6 such pairs (digits, symbols, non-ASCII)
 *   is judged by its entropy alone.
 *
 * A random token of 16–24 characters passes in ≥ 97 % of draws from mixed-case alphabets and in
 * ≈ 92–99 % from one-case ones, one of 32+ characters in ≥ 97 %; every body line of a key passes
 * (`line-significance.test.ts` measures both, with margins).
 */

/** A candidate shorter than this never counts. */
export const MIN_TOKEN_BYTES = 16;
/** A candidate carrying fewer bits than this (length × Shannon entropy of its bytes) never counts. */
export const MIN_TOKEN_BITS = 48;
/** The share of common letter pairs from which text reads like words. */
export const WORDY_SHARE = 0.4;
/** Text whose case changes more often than this per pair of letters inside words does not read like words. */
export const MAX_CASE_CHANGES = 0.5;
/** Fewer letter pairs than this are too few to tell words from random text. */
const MIN_PAIRS = 6;

/**
 * The 120 most frequent pairs of adjacent letters in English-language documentation and code
 * identifiers, counted (case folded, inside runs of letters) over the READMEs and type
 * declarations of this repository's dependencies: 15 M pairs, of which these are 78 %.
 */
export const COMMON_LETTER_PAIRS: ReadonlySet<string> = new Set(
  (
    'er in re on te th st en de or es ti at co nt he an io se nd ar et ed le ec li ro pe ri ns tr ng to al ' +
    'me ma ce ta om is ra it rt ea po ex ut ne nc ct pr fi ve ge am od ty pa op ic ss as ou ac do yp ad ur ' +
    'pu un id ef si ll la ke pt tp ue ch be el na cl im lo tt ca mp il ts no em di va ie fo ot cr ul ha ol ' +
    'so us oc sc um mm of mi ag ht ck bu ig rr bl ev fa if'
  ).split(' '),
);

const HEX = /^[0-9a-fA-F]+$/;
const HOST_OR_EMAIL = /^(?:[A-Za-z0-9._%+-]+@)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}\.?(?::\d{1,5})?\/?$/;
const URL_SCHEME = /[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** Separators inside a word that may part a label from a value (`KEY=value`, `user:password`). */
const LABEL_SEPARATORS = /[=:]+/;
/** Separators between the parts of a prefixed token or an identifier. */
const WORD_SEPARATORS = /[-_.]+/;
/** A label and its separator at the start of a word (`KEY=`, `password:`). */
const LEADING_LABEL = /^[A-Za-z_][A-Za-z0-9_.-]*[=:]+/;

/** Length × Shannon entropy of the byte frequencies of `text` (one byte per latin1 character), in bits. */
export function textEntropyBits(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) bits -= n * Math.log2(n / text.length);
  return bits;
}

/**
 * True when the letters of `text` pair like English words and identifiers. Its letters are read in
 * order (digits and symbols skipped) and split where a lower-case letter meets an upper-case one
 * (`camelCase`); over the pairs of adjacent letters inside those words (at least 6 of them), at
 * least {@link WORDY_SHARE} must be {@link COMMON_LETTER_PAIRS}, and the case may change at most
 * {@link MAX_CASE_CHANGES} times per such pair (words change case only where one starts; random mixed-case text every other letter).
 */
export function readsLikeWords(text: string): boolean {
  let pairs = 0;
  let common = 0;
  let caseChanges = 0;
  let previous = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const isLetter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    // Other characters are skipped, not boundaries: `id_ed25519` pairs like `ided`.
    if (!isLetter) continue;
    if (previous) {
      const upper = ch <= 'Z';
      const previousUpper = previous <= 'Z';
      if (upper !== previousUpper) caseChanges++;
      // A lower-case letter followed by an upper-case one starts a new word: not a pair.
      if (previousUpper || !upper) {
        pairs++;
        if (COMMON_LETTER_PAIRS.has((previous + ch).toLowerCase())) common++;
      }
    }
    previous = ch;
  }
  return pairs >= MIN_PAIRS && common / pairs >= WORDY_SHARE && caseChanges / pairs <= MAX_CASE_CHANGES;
}

/** Base64 of `-----BEGIN ` (a PEM block encoded whole, as kubeconfig's `certificate-authority-data`). */
const BASE64_PEM = 'LS0tLS1CRUdJTi';
/** Labels of PEM blocks whose content is public (certificates, public keys, CRLs, signatures). */
const PUBLIC_PEM_LABEL = /^(?:.*\b(?:CERTIFICATE|PUBLIC KEY)\b|X509 CRL\b|PKCS7\b|CMS\b|PGP SIGNATURE\b)/;
/** `-----BEGIN <label>-----` (and `---- BEGIN <label> ----`), capturing the label. */
const BEGIN_ARMOUR = /^-{3,}\s*BEGIN (.*?)\s*-{3,}\s*$/;

/** True for the armour line that opens a PEM block of public material (its body is no secret). */
export function opensPublicPemBlock(line: string): boolean {
  const label = BEGIN_ARMOUR.exec(line)?.[1];
  return label !== undefined && PUBLIC_PEM_LABEL.test(label);
}

/** True for base64 of a whole PEM block whose label says it is public. */
function isEncodedPublicPem(text: string): boolean {
  return text.startsWith(BASE64_PEM) && opensPublicPemBlock(Buffer.from(text.slice(0, 96), 'base64').toString('latin1').split('\n', 1)[0]!);
}

/** One candidate on its own: long and varied enough, no host name or encoded certificate, and not words (hex always passes that test). */
function isSecretPiece(text: string): boolean {
  if (text.length < MIN_TOKEN_BYTES || textEntropyBits(text) < MIN_TOKEN_BITS) return false;
  if (HEX.test(text)) return /[0-9]/.test(text) && /[a-fA-F]/.test(text);
  if (HOST_OR_EMAIL.test(text) || isEncodedPublicPem(text)) return false;
  return !readsLikeWords(text);
}

/**
 * The piece itself, what follows a leading label, any part of it between `=` / `:`, or any part
 * between `-` / `_` / `.` (the random part of a prefixed token: `glpat-…`, `sk_live_…`).
 */
function holdsSecretPiece(text: string): boolean {
  const label = LEADING_LABEL.exec(text);
  return (
    isSecretPiece(text) ||
    (label !== null && isSecretPiece(text.slice(label[0].length))) ||
    text.split(LABEL_SEPARATORS).some(isSecretPiece) ||
    text.split(WORD_SEPARATORS).some(isSecretPiece)
  );
}

/**
 * A word with a URL in it: what precedes the URL, the URL's user-info, each path segment and each
 * query or fragment parameter are judged; the scheme and host are public and never count.
 */
function urlHoldsSecret(word: string, at: number): boolean {
  const rest = word.slice(at).replace(URL_SCHEME, '');
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  const queryAt = tail.search(/[?#]/);
  const path = queryAt === -1 ? tail : tail.slice(0, queryAt);
  const query = queryAt === -1 ? '' : tail.slice(queryAt + 1);
  const userInfo = authority.includes('@') ? authority.slice(0, authority.lastIndexOf('@')) : '';
  const parts = [word.slice(0, at), userInfo, ...path.split('/'), ...query.split(/[&#;]/)];
  return parts.some((part) => part !== '' && holdsSecretPiece(part));
}

/** Quotes, brackets and punctuation that wrap a value in JSON, YAML, INI and shell files. */
const WRAPPING = /^["'`,;:(){}[\]<>]+|["'`,;:(){}[\]<>]+$/g;

/** True when one blank-separated word of a line holds secret material (see the module comment). */
export function wordHoldsSecret(word: string): boolean {
  // The word as it is, and its quoted parts (`"key":"value"` written without blanks).
  const candidates = [word, ...word.split(/["'`]+/)].map((c) => c.replace(WRAPPING, '')).filter((c) => c !== '');
  return candidates.some((candidate) => {
    const at = candidate.search(URL_SCHEME);
    return at === -1 ? holdsSecretPiece(candidate) : urlHoldsSecret(candidate, at);
  });
}

/** OpenSSH public key types: the word after one is a public key (`authorized_keys`, `known_hosts`, `.pub`). */
const PUBLIC_KEY_TYPE = /^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(?:-cert-v01@openssh\.com)?$/;

/** True when some word of `line` holds secret material; an OpenSSH public key after its type name does not. */
export function lineHoldsSecret(line: string): boolean {
  const words = line.split(/\s+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    if (PUBLIC_KEY_TYPE.test(words[i]!)) {
      i++;
      continue;
    }
    if (wordHoldsSecret(words[i]!)) return true;
  }
  return false;
}
