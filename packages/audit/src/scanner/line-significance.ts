/**
 * Which lines of a multi-line value (a PEM or OpenSSH key, a service-account JSON) identify it.
 * A line that every key of its kind shares — armour such as `-----BEGIN OPENSSH PRIVATE KEY-----`,
 * a short line, a run of padding — occurs in ordinary files (OpenSSH itself carries the armour
 * strings), so searching for it raises false alarms and proves nothing.
 *
 * The measure: a line counts when it is at least {@link MIN_LINE_BYTES} bytes long, is not an
 * armour line, does not start the fixed OpenSSH key header, and its *empirical entropy* —
 * length × Shannon entropy of its own byte frequencies, in bits — is at least
 * {@link MIN_LINE_BITS}. That is the information the line would carry if its bytes were drawn
 * independently with the frequencies seen: 0 for a run of one byte, 4 bits a byte at most for 16
 * distinct bytes, ≈ 5.5–6 bits a byte for a base64 body line. It is a lower bound for text that
 * looks random and a generous estimate for text that does not, which is the safe side here.
 */

/** Lines shorter than this never count. */
export const MIN_LINE_BYTES = 16;
/** Lines carrying less than this many bits (length × Shannon entropy) never count. */
export const MIN_LINE_BITS = 48;

/** `-----BEGIN …-----`, `-----END …-----` and `---- BEGIN SSH2 …----` armour. */
const ARMOUR = /^-{3,}\s*(BEGIN|END)\b.*-{3,}$/;
/**
 * Base64 of `openssh-key-v1\0`: every OpenSSH private key's first body line starts with it and is
 * the same for every key of one type (cipher "none", kdf "none", one key, key type name).
 */
const OPENSSH_HEADER = 'b3BlbnNzaC1rZXktdjE';

/** Length × Shannon entropy of the byte frequencies of `line`, in bits. */
export function lineEntropyBits(line: Uint8Array): number {
  if (line.length === 0) return 0;
  const counts = new Map<number, number>();
  for (const b of line) counts.set(b, (counts.get(b) ?? 0) + 1);
  let bits = 0;
  for (const c of counts.values()) {
    const p = c / line.length;
    bits -= c * Math.log2(p);
  }
  return bits;
}

/** True when `line` (without its line ending or indentation) identifies the value it belongs to. */
export function isSignificantLine(line: Uint8Array): boolean {
  if (line.length < MIN_LINE_BYTES) return false;
  const text = Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('latin1');
  if (ARMOUR.test(text) || text.startsWith(OPENSSH_HEADER)) return false;
  return lineEntropyBits(line) >= MIN_LINE_BITS;
}
