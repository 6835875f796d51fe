import type { BuildSecretsError } from '../errors/index.js';
import { SecretValue } from '../secret-value.js';
import type { SecretResult } from './types.js';

/**
 * A successful {@link SecretResult}. Accepts a string, bytes or an existing {@link SecretValue}.
 * `versionId` is the provider's non-secret version identifier (see {@link SecretResult}); omit it
 * when the backend has none.
 */
export function secretOk(id: string, value: SecretValue | string | Uint8Array, versionId?: string): SecretResult {
  const wrapped = value instanceof SecretValue ? value : SecretValue.from(value);
  return versionId === undefined ? { id, ok: true, value: wrapped } : { id, ok: true, value: wrapped, versionId };
}

/** A failed {@link SecretResult}. */
export function secretFailed(id: string, error: BuildSecretsError): SecretResult {
  return { id, ok: false, error };
}
