import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import type { ParsedKey } from 'ssh2';
import { InvalidSecretError } from '../../errors/index.js';
import type { Ssh2Api } from './load-ssh2.js';

/** A private key held in memory by the agent. */
export interface AgentKey {
  /** The secret the key came from. */
  readonly secretId: string;
  /** ssh2's parsed key (private). */
  readonly parsed: ParsedKey;
  /** The public key blob, as the agent protocol lists and names it. */
  readonly publicBlob: Buffer;
  /** `SHA256:…` as `ssh-keygen -l` prints it. */
  readonly fingerprint: string;
  /** The key's comment ('' when the format has none). */
  readonly comment: string;
  /** ECDSA only: a Node key object, because the agent answers with raw (r, s) rather than DER. */
  readonly ecdsa: KeyObject | undefined;
}

/** `SHA256:<unpadded base64>` of a public key blob, the form OpenSSH prints. */
export function fingerprintOf(publicBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Parse a private key (OpenSSH or PEM; RSA, ECDSA, ed25519) in memory. A bad key or passphrase
 * is an {@link InvalidSecretError} naming the secret; ssh2's own message is not passed on,
 * so nothing about the bytes can reach a log.
 */
export function loadAgentKey(ssh2: Ssh2Api, secretId: string, keyBytes: Buffer, passphrase: Buffer | undefined): AgentKey[] {
  const result = ssh2.parseKey(keyBytes, passphrase);
  if (result instanceof Error) {
    const encrypted = /passphrase/i.test(result.message);
    const hint = encrypted
      ? passphrase === undefined
        ? 'the key is encrypted: put its passphrase in another secret (inject: none) and name it in passphraseFrom'
        : 'the passphrase from passphraseFrom does not open this key'
      : 'the value must be a private key in OpenSSH or PEM format (RSA, ECDSA or ed25519)';
    throw new InvalidSecretError(`ssh-agent: secret ${secretId} is not a usable private key`, { secretId, hint });
  }
  const keys = Array.isArray(result) ? result : [result];
  if (keys.length === 0 || keys.some((k) => !k.isPrivateKey())) {
    throw new InvalidSecretError(`ssh-agent: secret ${secretId} holds a public key, not a private key`, { secretId, hint: 'store the private key (the file without .pub)' });
  }
  return keys.map((parsed) => {
    const publicBlob = parsed.getPublicSSH();
    return {
      secretId,
      parsed,
      publicBlob,
      fingerprint: fingerprintOf(publicBlob),
      comment: typeof parsed.comment === 'string' ? parsed.comment : '',
      ecdsa: parsed.type.startsWith('ecdsa-') ? createPrivateKey(parsed.getPrivatePEM()) : undefined,
    };
  });
}
