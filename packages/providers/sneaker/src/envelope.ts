import { createDecipheriv } from 'node:crypto';

const LENGTH_BYTES = 4;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Why an envelope could not be opened (never anything about its content). */
export class EnvelopeError extends Error {
  constructor(readonly reason: 'malformed' | 'authentication') {
    super(reason === 'malformed' ? 'the object is not a Sneaker envelope' : 'the ciphertext or its additional data was changed');
    this.name = 'EnvelopeError';
  }
}

/** The two halves of an envelope: the KMS blob of the data key, and nonce + ciphertext + tag. */
export interface SplitEnvelope {
  readonly keyBlob: Uint8Array;
  readonly sealed: Uint8Array;
}

/**
 * Split Sneaker's final envelope: a 4-byte big-endian length `n`, `n` bytes of KMS ciphertext blob,
 * then the 12-byte nonce, ciphertext and 16-byte GCM tag. Throws {@link EnvelopeError} when the
 * lengths do not add up (an older two-object Sneaker layout, a truncated or foreign object).
 */
export function splitEnvelope(object: Uint8Array): SplitEnvelope {
  if (object.length < LENGTH_BYTES) throw new EnvelopeError('malformed');
  const n = Buffer.from(object.buffer, object.byteOffset, object.length).readUInt32BE(0);
  if (n === 0 || LENGTH_BYTES + n + NONCE_BYTES + TAG_BYTES > object.length) throw new EnvelopeError('malformed');
  return { keyBlob: object.subarray(LENGTH_BYTES, LENGTH_BYTES + n), sealed: object.subarray(LENGTH_BYTES + n) };
}

/**
 * Open the sealed half with the 32-byte data key, the key id KMS returned from Decrypt (the key
 * ARN) as additional data. The data key is zeroed before this returns, whatever happens.
 */
export function openSealed(sealed: Uint8Array, dataKey: Uint8Array, keyId: string): Buffer {
  try {
    if (dataKey.length !== 32) throw new EnvelopeError('malformed');
    const nonce = sealed.subarray(0, NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(tag);
    const head = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([head, decipher.final()]);
    } catch {
      // Unauthenticated plaintext never leaves this function.
      throw new EnvelopeError('authentication');
    } finally {
      head.fill(0);
    }
  } finally {
    dataKey.fill(0);
  }
}
