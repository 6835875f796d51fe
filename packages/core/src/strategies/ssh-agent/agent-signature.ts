import { sign } from 'node:crypto';
import type { AgentKey } from './agent-key.js';

/** ECDSA curves and the hash each one signs with (RFC 5656). */
const ECDSA_HASH: Record<string, string> = {
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/** An SSH `mpint` (RFC 4251): big-endian, minimal, with a 0 byte when the top bit is set. */
function mpint(raw: Buffer): Buffer {
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  const body = raw.subarray(start);
  const value = (body[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.alloc(1), body]) : body;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(value.length);
  return Buffer.concat([length, value]);
}

/**
 * The signature blob for an agent SIGN_RESPONSE (ssh2's `signReply` adds the format name):
 * raw for ed25519 and RSA, `mpint r || mpint s` for ECDSA. `hash` is the RSA hash the client
 * asked for through the request flags (none means the legacy SHA-1 `ssh-rsa`).
 * Returns undefined when signing fails.
 */
export function signForAgent(key: AgentKey, data: Buffer, hash: string | undefined): Buffer | undefined {
  const type = key.parsed.type;
  if (type === 'ssh-ed25519') return asBuffer(key.parsed.sign(data));
  if (type === 'ssh-rsa') return asBuffer(key.parsed.sign(data, hash ?? 'sha1'));
  const ecHash = ECDSA_HASH[type];
  if (ecHash !== undefined && key.ecdsa !== undefined) {
    const raw = sign(ecHash, data, { key: key.ecdsa, dsaEncoding: 'ieee-p1363' });
    const half = raw.length / 2;
    return Buffer.concat([mpint(raw.subarray(0, half)), mpint(raw.subarray(half))]);
  }
  return undefined;
}

function asBuffer(result: Buffer | Error): Buffer | undefined {
  // ssh2 returns (not throws) an Error when signing fails.
  return Buffer.isBuffer(result) && result.length > 0 ? result : undefined;
}
