import type { BuildSecretsError } from '../errors/index.js';
import { SecretValue } from '../secret-value.js';
import type { SecretResult } from './types.js';

/** A successful {@link SecretResult}. Accepts a string, bytes or an existing {@link SecretValue}. */
export function secretOk(id: string, value: SecretValue | string | Uint8Array): SecretResult {
  return { id, ok: true, value: value instanceof SecretValue ? value : SecretValue.from(value) };
}

/** A failed {@link SecretResult}. */
export function secretFailed(id: string, error: BuildSecretsError): SecretResult {
  return { id, ok: false, error };
}
