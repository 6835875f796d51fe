import { createCipheriv, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { KmsEncryptionContext, KmsTestServer } from './kms-test-server.js';
import type { S3TestObjectVersion, S3TestServer } from './s3-test-server.js';
import { writeUstar } from './ustar-writer.js';

/**
 * Seal bytes in Sneaker's envelope: a 4-byte big-endian length of the KMS data key blob, the blob,
 * a random 12-byte nonce, then AES-256-GCM ciphertext and tag with the key ARN as additional data.
 */
export function sealSneakerEnvelope(kms: KmsTestServer, plaintext: string | Uint8Array, context: KmsEncryptionContext, keyId?: string): Buffer {
  const dataKey = kms.generateDataKey(keyId ?? kms.defaultKey.arn, context);
  try {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, nonce).setAAD(Buffer.from(dataKey.keyArn, 'utf8'));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const sealed = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(dataKey.ciphertextBlob.length);
    return Buffer.concat([length, dataKey.ciphertextBlob, nonce, sealed]);
  } finally {
    dataKey.plaintext.fill(0);
  }
}

/** Options of {@link sealSneaker}. */
export interface SealSneakerOptions {
  readonly kms: KmsTestServer;
  readonly s3: S3TestServer;
  /** Sneaker's `SNEAKER_S3_PATH`: `s3://bucket/prefix/`. */
  readonly path: string;
  /** Sneaker's master context (`SNEAKER_MASTER_CONTEXT`); `Path` is added per object. */
  readonly context?: KmsEncryptionContext;
  /** Key to seal with (default the server's `alias/sneaker` key). */
  readonly keyId?: string;
  /** Version id for the objects written by this call (default: a random one per object). */
  readonly versionId?: string;
  /** Secret paths under the prefix and their values (`{ 'prod/db-password': '...' }`). */
  readonly secrets: Readonly<Record<string, string | Uint8Array>>;
}

/** Bucket and key prefix of an `s3://bucket/prefix` path, the prefix without its leading `/`, as Sneaker reads it. */
export function parseSneakerPath(path: string): { bucket: string; prefix: string } {
  const url = new URL(path);
  if (url.protocol !== 's3:' || !url.host) throw new Error(`not an s3://bucket/prefix path: ${path}`);
  return { bucket: url.host, prefix: decodeURIComponent(url.pathname).replace(/^\//, '') };
}

/** Join prefix and path as Go's `path.Join` does (cleaned, no trailing slash). */
function joinKey(prefix: string, name: string): string {
  const joined = posix.join(prefix, name);
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/**
 * Write secrets into the S3 test server exactly as `sneaker upload` stores them: one object per
 * secret at prefix + path, sealed under a fresh data key whose encryption context is the master
 * context plus `Path` = `s3://<bucket>/<prefix/path>`. Returns each object's version.
 */
export function sealSneaker(options: SealSneakerOptions): Record<string, S3TestObjectVersion> {
  const { bucket, prefix } = parseSneakerPath(options.path);
  options.s3.createBucket(bucket);
  const written: Record<string, S3TestObjectVersion> = {};
  for (const [name, value] of Object.entries(options.secrets)) {
    const key = joinKey(prefix, name);
    const context = { ...options.context, Path: `s3://${bucket}/${key}` };
    written[name] = options.s3.putObject(bucket, key, sealSneakerEnvelope(options.kms, value, context, options.keyId), { ...(options.versionId !== undefined ? { versionId: options.versionId } : {}) });
  }
  return written;
}

/** Options of {@link sealSneakerPack}. */
export interface SealSneakerPackOptions {
  readonly kms: KmsTestServer;
  /** The pack's encryption context (`sneaker pack --context k=v`); none by default. */
  readonly context?: KmsEncryptionContext;
  readonly keyId?: string;
  /** File names inside the TAR and their contents. */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  /** Also write the pack to this file. */
  readonly file?: string;
}

/** Make a `sneaker pack` file: a TAR of the files, sealed in Sneaker's envelope under `context`. */
export async function sealSneakerPack(options: SealSneakerPackOptions): Promise<Buffer> {
  const tar = writeUstar(options.files);
  try {
    const sealed = sealSneakerEnvelope(options.kms, tar, options.context ?? {}, options.keyId);
    if (options.file !== undefined) await writeFile(options.file, sealed, { mode: 0o600 });
    return sealed;
  } finally {
    tar.fill(0);
  }
}
