import { lineHoldsSecret, MIN_TOKEN_BITS, MIN_TOKEN_BYTES, opensPublicPemBlock, textEntropyBits } from './secret-token.js';

/**
 * Which lines of a multi-line value (a PEM or OpenSSH key, a service-account JSON, a credentials
 * or `.env` file) identify it. A line that every value of its kind shares — armour such as
 * `-----BEGIN OPENSSH PRIVATE KEY-----`, a short line, `"type": "service_account",`,
 * `region = us-east-1`, a certificate that sits next to the key — occurs in ordinary files
 * (OpenSSH carries the armour strings, SDK READMEs carry example key files, every image carries
 * the public CA certificates), so searching for it raises false alarms and proves nothing.
 *
 * The measure: a line counts when it is at least {@link MIN_LINE_BYTES} bytes long, is not an
 * armour line, does not start the fixed OpenSSH key header, is not inside a public PEM block
 * (certificate, public key, CRL — see `significantLines`), and holds a word that looks like
 * secret material: at least {@link MIN_LINE_BITS} bits (length × Shannon entropy of its own byte
 * frequencies), not a host name, e-mail address or a URL's scheme and host, and not reading like
 * words (the letter-pair test in `secret-token.ts`). A key's body lines, a token after its label
 * (`password ghp_…`, `"private_key_id": "…"`, `KEY=…`) and a password in a URL's user-info count.
 */

/** Lines shorter than this never count. */
export const MIN_LINE_BYTES = MIN_TOKEN_BYTES;
/** The bits (length × Shannon entropy) the secret-looking word of a line must carry at least. */
export const MIN_LINE_BITS = MIN_TOKEN_BITS;

/** `-----BEGIN …-----`, `-----END …-----` and `---- BEGIN SSH2 …----` armour. */
const ARMOUR = /^-{3,}\s*(BEGIN|END)\b.*-{3,}$/;
const BLOCK_END = /^-{3,}\s*END\b/;
/**
 * Base64 of `openssh-key-v1\0`: every OpenSSH private key's first body line starts with it and is
 * the same for every key of one type (cipher "none", kdf "none", one key, key type name).
 */
const OPENSSH_HEADER = 'b3BlbnNzaC1rZXktdjE';

/** Length × Shannon entropy of the byte frequencies of `line`, in bits. */
export function lineEntropyBits(line: Uint8Array): number {
  return textEntropyBits(Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('latin1'));
}

/**
 * True when `line` (without its line ending or indentation) identifies the value it belongs to.
 * A line on its own cannot tell whether it sits inside a certificate: `significantLines`
 * applies that rule too.
 */
export function isSignificantLine(line: Uint8Array): boolean {
  if (line.length < MIN_LINE_BYTES) return false;
  const text = Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('latin1');
  if (ARMOUR.test(text) || text.startsWith(OPENSSH_HEADER)) return false;
  return lineHoldsSecret(text);
}

/**
 * The lines of a multi-line value that identify it (see {@link isSignificantLine}), without their
 * line ending or indentation, skipping the body of every public PEM block (`CERTIFICATE`,
 * `PUBLIC KEY`, `X509 CRL`, `PKCS7`, …): a certificate bundled with its key is public, and the same
 * certificate in the image's trust store or configuration is no leak.
 */
export function significantLines(value: Buffer): Buffer[] {
  const text = value.toString('latin1');
  if (!/[\r\n]/.test(text)) return [];
  const out: Buffer[] = [];
  let inPublicBlock = false;
  for (const raw of text.split(/\r?\n|\r/)) {
    // Re-indented copies (YAML, heredocs) keep the line's content but not its indentation.
    const line = raw.trim();
    if (inPublicBlock) {
      if (BLOCK_END.test(line)) inPublicBlock = false;
      continue;
    }
    if (opensPublicPemBlock(line)) {
      inPublicBlock = true;
      continue;
    }
    const bytes = Buffer.from(line, 'latin1');
    if (isSignificantLine(bytes)) out.push(bytes);
  }
  return out;
}
