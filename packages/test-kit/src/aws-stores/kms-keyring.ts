import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { JsonFault } from './loopback-server.js';

/** An encryption context as KMS takes it: string keys to string values. */
export type KmsEncryptionContext = Readonly<Record<string, string>>;

interface TestKey {
  readonly id: string;
  readonly arn: string;
  readonly material: Buffer;
  enabled: boolean;
  denied: boolean;
}

const MAGIC = Buffer.from('BSK1');
const ID_LENGTH = 36;

/**
 * Context bytes bound into a blob. Order-independent (KMS treats the context as a map) and
 * unambiguous, so any added, removed or changed pair makes decryption fail, as on KMS.
 */
function canonicalContext(context: KmsEncryptionContext): Buffer {
  return Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), 'utf8');
}

/**
 * The key material and blob format of the KMS test server. A ciphertext blob is opaque to callers,
 * as on KMS: `BSK1`, the key id, a nonce, then the data sealed with AES-256-GCM under the key's
 * material with the encryption context as additional data.
 */
export class KmsKeyring {
  readonly #keys = new Map<string, TestKey>();
  readonly #aliases = new Map<string, string>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  /** Make a new symmetric key, optionally with an alias (`alias/name`). */
  createKey(alias?: string): { keyId: string; arn: string } {
    const id = randomUUID();
    const arn = `arn:aws:kms:${this.region}:${this.accountId}:key/${id}`;
    this.#keys.set(id, { id, arn, material: randomBytes(32), enabled: true, denied: false });
    if (alias !== undefined) this.#aliases.set(alias.startsWith('alias/') ? alias : `alias/${alias}`, id);
    return { keyId: id, arn };
  }

  /** Find a key by id, key ARN, alias name or alias ARN; throws `NotFoundException` like KMS. */
  key(keyId: string): TestKey {
    const prefix = `arn:aws:kms:${this.region}:${this.accountId}:`;
    const local = keyId.startsWith(prefix) ? keyId.slice(prefix.length) : keyId;
    const id = local.startsWith('alias/') ? this.#aliases.get(local) : local.startsWith('key/') ? local.slice(4) : local;
    const key = id === undefined ? undefined : this.#keys.get(id);
    if (!key) throw new JsonFault('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }

  /** Check that `key` may be used (enabled, not denied to the caller). */
  usable(key: TestKey, action: string): TestKey {
    if (key.denied) throw new JsonFault('AccessDeniedException', `User is not authorized to perform: kms:${action} on resource: ${key.arn}`);
    if (!key.enabled) throw new JsonFault('DisabledException', `${key.arn} is disabled.`);
    return key;
  }

  /** Seal `plaintext` under a key and context into an opaque blob. */
  seal(key: TestKey, plaintext: Uint8Array, context: KmsEncryptionContext): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.material, nonce).setAAD(canonicalContext(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return Buffer.concat([MAGIC, Buffer.from(key.id, 'ascii'), nonce, body]);
  }

  /**
   * Open a blob under exactly the context it was sealed with. Any other context, a changed byte or
   * an unknown key answers `InvalidCiphertextException`, as KMS does, without saying which.
   */
  open(blob: Buffer, context: KmsEncryptionContext, expectedKeyId: string | undefined): { key: TestKey; plaintext: Buffer } {
    const invalid = new JsonFault('InvalidCiphertextException', 'The ciphertext is invalid');
    if (blob.length < MAGIC.length + ID_LENGTH + 12 + 16 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) throw invalid;
    const id = blob.subarray(MAGIC.length, MAGIC.length + ID_LENGTH).toString('ascii');
    const key = this.#keys.get(id);
    if (!key) throw invalid;
    if (expectedKeyId !== undefined && this.key(expectedKeyId).id !== key.id) {
      throw new JsonFault('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    }
    this.usable(key, 'Decrypt');
    const nonceStart = MAGIC.length + ID_LENGTH;
    const body = blob.subarray(nonceStart + 12);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.material, blob.subarray(nonceStart, nonceStart + 12)).setAAD(canonicalContext(context));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return { key, plaintext: Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]) };
    } catch {
      throw invalid;
    }
  }
}
