import type { SneakerCalls } from './sneaker-calls.js';
import { openSealed, splitEnvelope } from './envelope.js';

/** A failure tagged with the service it came from, for error mapping. */
export class PhaseError extends Error {
  constructor(
    readonly phase: 's3' | 'kms' | 'file',
    readonly original: unknown,
  ) {
    super('sneaker step failed');
  }
}

/**
 * Open one Sneaker envelope: ask KMS to decrypt its data key under `context`, then open the
 * AES-256-GCM part with the key ARN KMS answered as additional data. The data key is zeroed
 * before this returns.
 */
export async function openEnvelope(calls: SneakerCalls, object: Uint8Array, context: Readonly<Record<string, string>>, signal: AbortSignal): Promise<Buffer> {
  const { keyBlob, sealed } = splitEnvelope(object);
  let dataKey;
  try {
    dataKey = await calls.decryptDataKey(keyBlob, context, signal);
  } catch (err) {
    throw new PhaseError('kms', err);
  }
  return openSealed(sealed, dataKey.plaintext, dataKey.keyId);
}
