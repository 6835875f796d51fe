import { InvalidSecretError, SecretValue, extractKey, type SecretRequest } from '@buildsecrets/core';

/** The value fields of a GetSecretValue response or a BatchGetSecretValue entry. */
export interface AwsSecretPayload {
  readonly SecretString?: string | undefined;
  readonly SecretBinary?: Uint8Array | undefined;
  /** The version served (a UUID; not secret): the `versionId` for `cache: version`. */
  readonly VersionId?: string | undefined;
}

/**
 * Turn a secret's payload into the value the request asked for: the whole SecretString (UTF-8),
 * the SecretBinary bytes as they are, or one field of a JSON secret when `key` is set.
 */
export function payloadToValue(payload: AwsSecretPayload, request: SecretRequest, provider: string): SecretValue {
  let whole: SecretValue;
  if (payload.SecretString !== undefined) whole = SecretValue.from(payload.SecretString);
  else if (payload.SecretBinary !== undefined) whole = SecretValue.from(payload.SecretBinary);
  else {
    throw new InvalidSecretError(`secret "${request.id}" has neither SecretString nor SecretBinary`, {
      secretId: request.id,
      provider,
      hint: 'put a value into the secret (`aws secretsmanager put-secret-value`)',
    });
  }
  if (request.key === undefined) return whole;
  try {
    return extractKey(whole, request.key, { secretId: request.id, provider });
  } finally {
    whole.wipe();
  }
}
