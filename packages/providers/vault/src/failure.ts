import {
  AbortedError,
  AuthenticationError,
  BuildSecretsError,
  InvalidSecretError,
  PermissionDeniedError,
  ProviderUnavailableError,
  SecretNotFoundError,
  TimeoutError,
} from '@buildsecrets/core';

/** Which typed error a failure becomes. */
export type FailureKind = 'not-found' | 'denied' | 'auth' | 'unavailable' | 'timeout' | 'invalid' | 'aborted';

/**
 * A failure inside the provider, before it is known which secret it belongs to: one shared read
 * or login can fail many requests at once, and each gets its own typed error naming its id.
 * The message never holds a value, a token or a credential.
 */
export class VaultFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly options: { readonly hint?: string; readonly retryable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'VaultFailure';
  }
}

/** Turn a failure (or anything thrown) into the typed error for one secret. */
export function toSecretError(error: unknown, secretId: string, provider: string): BuildSecretsError {
  if (error instanceof BuildSecretsError) return error;
  if (!(error instanceof VaultFailure)) {
    return new ProviderUnavailableError(`secret "${secretId}": unexpected failure talking to Vault`, { secretId, provider, retryable: false, cause: error });
  }
  const text = `secret "${secretId}": ${error.message}`;
  const base = { secretId, provider, cause: error.options.cause, ...(error.options.hint ? { hint: error.options.hint } : {}) };
  switch (error.kind) {
    case 'not-found':
      return new SecretNotFoundError(text, base);
    case 'denied':
      return new PermissionDeniedError(text, base);
    case 'auth':
      return new AuthenticationError(text, { ...base, retryable: false });
    case 'invalid':
      return new InvalidSecretError(text, base);
    case 'timeout':
      return new TimeoutError(text, base);
    case 'aborted':
      return new AbortedError(text, base);
    case 'unavailable':
      return new ProviderUnavailableError(text, { ...base, retryable: error.options.retryable ?? true });
  }
}
