// Typed errors of the registry client. Every import from the rest of buildsecrets sits in this
// file, so the client can move between packages by editing one import.
import { BuildSecretsError, type BuildSecretsErrorOptions } from '@buildsecrets/base';
import { AuthenticationError, PermissionDeniedError, AuditError, TimeoutError, AbortedError } from '@buildsecrets/base';

export { BuildSecretsError, AuthenticationError, PermissionDeniedError, AuditError, TimeoutError, AbortedError };

/** Context every registry error carries: which registry and what was asked (never a credential). */
export interface RegistryErrorContext extends BuildSecretsErrorOptions {
  /** The HTTP status, when the registry answered. */
  readonly status?: number;
}

/** 401 from the registry (or its token service): no credentials, or rejected ones. */
export class RegistryAuthenticationError extends AuthenticationError {
  /** HTTP status (401, or the token service's). */
  readonly status: number | undefined;
  constructor(message: string, options: RegistryErrorContext = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/** 403: the credentials are valid but may not pull this repository. */
export class RegistryPermissionError extends PermissionDeniedError {
  /** HTTP status (403). */
  readonly status: number | undefined;
  constructor(message: string, options: RegistryErrorContext = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/** 404: no such repository, tag, manifest or blob. */
export class ImageNotFoundError extends BuildSecretsError {
  /** HTTP status (404). */
  readonly status: number | undefined;
  constructor(message: string, options: RegistryErrorContext = {}) {
    super('IMAGE_NOT_FOUND', message, options);
    this.status = options.status;
  }
}

/** 429, 5xx, or a connection that failed or was cut: retried first; thrown when the retries ran out. */
export class RegistryUnavailableError extends BuildSecretsError {
  /** HTTP status, or undefined for a connection failure. */
  readonly status: number | undefined;
  constructor(message: string, options: RegistryErrorContext = {}) {
    super('REGISTRY_UNAVAILABLE', message, { retryable: true, ...options });
    this.status = options.status;
  }
}

/** A blob or manifest whose bytes do not hash to the digest it was asked by (or a wrong length). */
export class DigestMismatchError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('DIGEST_MISMATCH', message, options);
  }
}

/** A manifest the audit cannot read: Docker schema 1, an unknown media type, or malformed JSON. */
export class UnsupportedManifestError extends BuildSecretsError {
  constructor(message: string, options: BuildSecretsErrorOptions = {}) {
    super('MANIFEST_UNSUPPORTED', message, options);
  }
}

/** The TLS handshake failed (unknown CA, wrong host name, expired certificate). Never retried. */
export class RegistryTlsError extends BuildSecretsError {
  /** `certificate`: the server's certificate was refused; `protocol`: the server did not speak TLS. */
  readonly kind: 'certificate' | 'protocol';
  constructor(message: string, options: BuildSecretsErrorOptions & { kind?: 'certificate' | 'protocol' } = {}) {
    super('TLS_FAILED', message, options);
    this.kind = options.kind ?? 'certificate';
  }
}
