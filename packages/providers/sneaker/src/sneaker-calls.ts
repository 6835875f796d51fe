import type { Logger } from '@buildsecrets/core';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { KMSClientConfig } from '@aws-sdk/client-kms';
import type { SneakerProviderOptions } from './options.js';
import { withSdkNodeWarningAsDebug } from './quiet-sdk-warnings.js';

/** The most bytes read from one object or pack file: Sneaker secrets are small; this bounds a wrong path. */
export const MAX_OBJECT_BYTES = 16 * 1024 * 1024;

/** An object read from S3. */
export interface SneakerObject {
  readonly body: Uint8Array;
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
}

/** A data key opened by KMS. */
export interface OpenedDataKey {
  /** The plaintext key; the caller zeroes it. */
  readonly plaintext: Uint8Array;
  /** The key ARN KMS answered with: Sneaker's additional data. */
  readonly keyId: string;
}

/** The AWS calls the provider makes, behind a seam so the logic is testable without the SDK. */
export interface SneakerCalls {
  getObject(bucket: string, key: string, versionId: string | undefined, signal: AbortSignal): Promise<SneakerObject>;
  decryptDataKey(blob: Uint8Array, context: Readonly<Record<string, string>>, signal: AbortSignal): Promise<OpenedDataKey>;
  destroy(): void;
}

/** The error for an object larger than {@link MAX_OBJECT_BYTES}. */
export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
}

async function readBounded(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > MAX_OBJECT_BYTES) {
      for (const c of chunks) c.fill(0);
      throw new ObjectTooLargeError(`object larger than ${MAX_OBJECT_BYTES} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  const body = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0);
  return body;
}

/**
 * Load the KMS client, and the S3 client on the first object read (lazily: a run without a sneaker
 * provider loads neither, and a pack-only provider never loads S3), with the region and endpoints
 * the options name and credentials left to the SDK's default chain.
 */
export async function createSneakerCalls(options: SneakerProviderOptions, region: string | undefined, logger: Logger): Promise<SneakerCalls> {
  const kmssdk = await import('@aws-sdk/client-kms');
  const common = { maxAttempts: options.maxAttempts ?? 1, ...(region !== undefined ? { region } : {}) };
  const kmsconfig: KMSClientConfig = { ...common };
  if (options.endpoints?.kms !== undefined) kmsconfig.endpoint = options.endpoints.kms;
  const kms = withSdkNodeWarningAsDebug(logger, () => new kmssdk.KMSClient(kmsconfig));
  let s3: { client: S3Client; sdk: typeof import('@aws-sdk/client-s3') } | undefined;
  let destroyed = false;
  const s3Client = async (): Promise<NonNullable<typeof s3>> => {
    if (s3) return s3;
    const sdk = await import('@aws-sdk/client-s3');
    if (s3) return s3;
    const config: S3ClientConfig = { ...common, ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}) };
    if (options.endpoints?.s3 !== undefined) config.endpoint = options.endpoints.s3;
    s3 = { sdk, client: withSdkNodeWarningAsDebug(logger, () => new sdk.S3Client(config)) };
    if (destroyed) s3.client.destroy();
    return s3;
  };
  return {
    async getObject(bucket, key, versionId, signal) {
      const { client, sdk } = await s3Client();
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}) }), { abortSignal: signal });
      if (out.ContentLength !== undefined && out.ContentLength > MAX_OBJECT_BYTES) {
        (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new ObjectTooLargeError(`object larger than ${MAX_OBJECT_BYTES} bytes`);
      }
      const body = out.Body ? await readBounded(out.Body as AsyncIterable<Uint8Array>) : Buffer.alloc(0);
      return { body, versionId: out.VersionId, etag: out.ETag };
    },
    async decryptDataKey(blob, context, signal) {
      const out = await kms.send(new kmssdk.DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { ...context } }), { abortSignal: signal });
      if (!out.Plaintext || !out.KeyId) throw new Error('KMS Decrypt answered without Plaintext or KeyId');
      return { plaintext: out.Plaintext, keyId: out.KeyId };
    },
    destroy() {
      destroyed = true;
      s3?.client.destroy();
      kms.destroy();
    },
  };
}
