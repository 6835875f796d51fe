import { randomBytes } from 'node:crypto';
import { AWS_TEST_CREDENTIALS } from '../aws/aws-secrets-manager-server.js';
import type { AwsTestCredentials } from '../aws/sigv4.js';
import { startJsonProtocolServer } from './json-protocol-server.js';
import { KmsKeyring, type KmsEncryptionContext } from './kms-keyring.js';
import { JsonFault, type StoreInjectedFailure } from './loopback-server.js';

export type { KmsEncryptionContext } from './kms-keyring.js';

/** The KMS operations the test server implements. */
export type KmsTestOperation = 'GenerateDataKey' | 'Encrypt' | 'Decrypt';

/** Options of {@link startKmsTestServer}. */
export interface KmsTestServerOptions {
  /** Region requests must be signed for and ARNs name (default `us-east-1`). */
  readonly region?: string;
  /** Credentials requests must be signed with (default {@link AWS_TEST_CREDENTIALS}). */
  readonly credentials?: AwsTestCredentials;
  /** Account id in key ARNs (default `123456789012`). */
  readonly accountId?: string;
}

/** A data key made in process (no HTTP), as GenerateDataKey answers it. */
export interface KmsTestDataKey {
  /** The 32 plaintext key bytes. Zero them when done. */
  readonly plaintext: Buffer;
  /** The opaque blob KMS `Decrypt` accepts under the same context. */
  readonly ciphertextBlob: Buffer;
  /** The key ARN, as GenerateDataKey and Decrypt return it in `KeyId`. */
  readonly keyArn: string;
}

/** A running KMS (JSON 1.1) test server on 127.0.0.1. */
export interface KmsTestServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: AwsTestCredentials;
  /** A key made at start, with the alias `alias/sneaker`. */
  readonly defaultKey: { readonly keyId: string; readonly arn: string };
  /** Make another key (optionally with an alias such as `alias/ci`). */
  createKey(alias?: string): { keyId: string; arn: string };
  /** Refuse (or allow again) every use of a key with `AccessDeniedException`, as a key policy would. */
  denyKey(keyId: string, denied?: boolean): void;
  /** Disable (or enable) a key: uses answer `DisabledException`. */
  disableKey(keyId: string, disabled?: boolean): void;
  /** GenerateDataKey without HTTP (for sealing fixtures): a 32-byte AES-256 key bound to `context`. */
  generateDataKey(keyId: string, context: KmsEncryptionContext): KmsTestDataKey;
  /** Fail the next `count` requests. */
  failNext(count: number, failure: StoreInjectedFailure): void;
  /** Delay the answer to every signed request by `ms`; the request counts as soon as it arrives. */
  setLatency(ms: number): void;
  /** Requests received per operation. */
  count(operation: KmsTestOperation): number;
  resetCounts(): void;
  close(): Promise<void>;
}

function contextOf(input: Record<string, unknown>): KmsEncryptionContext {
  const raw = input.EncryptionContext;
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
    throw new JsonFault('ValidationException', 'EncryptionContext must map strings to strings');
  }
  return raw as KmsEncryptionContext;
}

function blobOf(input: Record<string, unknown>, field: string, max: number): Buffer {
  const raw = input[field];
  if (typeof raw !== 'string' || raw.length === 0) throw new JsonFault('ValidationException', `${field} is required`);
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length === 0 || bytes.length > max) throw new JsonFault('ValidationException', `${field} has an invalid length`);
  return bytes;
}

function keyIdOf(input: Record<string, unknown>, required: boolean): string | undefined {
  const raw = input.KeyId;
  if (raw === undefined && !required) return undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) throw new JsonFault('ValidationException', 'KeyId is required');
  return raw;
}

function dataKeyLength(input: Record<string, unknown>): number {
  if (input.KeySpec === 'AES_256') return 32;
  if (input.KeySpec === 'AES_128') return 16;
  if (typeof input.NumberOfBytes === 'number' && Number.isInteger(input.NumberOfBytes) && input.NumberOfBytes >= 1 && input.NumberOfBytes <= 1024) return input.NumberOfBytes;
  throw new JsonFault('ValidationException', 'specify KeySpec or NumberOfBytes');
}

/**
 * Start a KMS server (JSON 1.1, the real AWS SDK talks to it) with GenerateDataKey, Encrypt and
 * Decrypt. Encryption contexts are enforced exactly like KMS: a blob opens only under the very
 * context it was made with, and Decrypt returns the key ARN in `KeyId`. Signatures are checked
 * with the AWS test server's SigV4 verifier.
 */
export async function startKmsTestServer(options: KmsTestServerOptions = {}): Promise<KmsTestServer> {
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? AWS_TEST_CREDENTIALS;
  const keyring = new KmsKeyring(region, options.accountId ?? '123456789012');
  const defaultKey = keyring.createKey('alias/sneaker');
  const generate = (keyId: string, context: KmsEncryptionContext, length: number): KmsTestDataKey => {
    const key = keyring.usable(keyring.key(keyId), 'GenerateDataKey');
    const plaintext = randomBytes(length);
    return { plaintext, ciphertextBlob: keyring.seal(key, plaintext, context), keyArn: key.arn };
  };
  const json = await startJsonProtocolServer({
    signingName: 'kms',
    targetPrefix: 'TrentService',
    region,
    credentials,
    operations: {
      GenerateDataKey(input) {
        const made = generate(keyIdOf(input, true)!, contextOf(input), dataKeyLength(input));
        return { KeyId: made.keyArn, Plaintext: made.plaintext.toString('base64'), CiphertextBlob: made.ciphertextBlob.toString('base64') };
      },
      Encrypt(input) {
        const key = keyring.usable(keyring.key(keyIdOf(input, true)!), 'Encrypt');
        const blob = keyring.seal(key, blobOf(input, 'Plaintext', 4096), contextOf(input));
        return { KeyId: key.arn, CiphertextBlob: blob.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      },
      Decrypt(input) {
        const { key, plaintext } = keyring.open(blobOf(input, 'CiphertextBlob', 6144), contextOf(input), keyIdOf(input, false));
        return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      },
    },
  });
  return {
    endpoint: json.endpoint,
    region,
    credentials,
    defaultKey,
    createKey: (alias) => keyring.createKey(alias),
    denyKey: (keyId, denied = true) => void (keyring.key(keyId).denied = denied),
    disableKey: (keyId, disabled = true) => void (keyring.key(keyId).enabled = !disabled),
    generateDataKey: (keyId, context) => generate(keyId, context, 32),
    failNext: (count, failure) => json.faults.failNext(count, failure),
    setLatency: (ms) => json.faults.setLatency(ms),
    count: (operation) => json.counts.get(operation) ?? 0,
    resetCounts: () => json.counts.clear(),
    close: () => json.close(),
  };
}
