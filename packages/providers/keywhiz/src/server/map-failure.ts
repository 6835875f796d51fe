import {
  AbortedError,
  AuthenticationError,
  BuildSecretsError,
  PermissionDeniedError,
  ProviderUnavailableError,
  SecretNotFoundError,
  TimeoutError,
  type SecretRequest,
} from '@buildsecrets/core';

/** Certificate verification failures on our side: the server is not who the pinned CA vouches for. */
const SERVER_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

/** Turn a transport failure (socket, TLS, timeout, abort) into a typed error naming the host. */
export function mapTransportError(error: unknown, request: SecretRequest, host: string, timeoutMs: number, provider: string): BuildSecretsError {
  const base = { secretId: request.id, provider, cause: error };
  const e = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (e.name === 'AbortError' || code === 'ABORT_ERR') return new AbortedError(`fetching secret "${request.id}" from ${host} was cancelled`, base);
  if (code === 'ETIMEDOUT') {
    return new TimeoutError(`keywhiz at ${host} did not answer for secret "${request.id}" within ${timeoutMs} ms`, { ...base, hint: 'check the server, or raise `timeoutMs`' });
  }
  if (SERVER_CERT_CODES.has(code)) {
    return new AuthenticationError(`the certificate of keywhiz at ${host} is not trusted by the configured CA (${code})`, {
      ...base,
      hint: 'set `ca` to the CA that signed the server certificate, and make sure the certificate names this host',
    });
  }
  if (code.startsWith('ERR_SSL_') && /ALERT|CERTIFICATE/.test(code)) {
    return new AuthenticationError(`keywhiz at ${host} refused the TLS handshake (${code}); the client certificate was probably rejected`, {
      ...base,
      hint: 'check `clientCert` and `clientKey`: the certificate must be issued by a CA the Keywhiz server trusts',
    });
  }
  if (code === 'ECONNRESET' || /socket hang up/.test(String(e.message ?? ''))) {
    // Under TLS 1.3 the server checks our certificate after the handshake, and its refusal
    // usually reaches us only as a reset: say so, since that is the common cause.
    return new ProviderUnavailableError(`keywhiz at ${host} closed the connection${code ? ` (${code})` : ''}`, {
      ...base,
      hint: 'if this repeats, the server probably rejected the client certificate: check `clientCert` and `clientKey` against the CA the server trusts',
    });
  }
  if (UNREACHABLE_CODES.has(code)) {
    return new ProviderUnavailableError(`cannot reach keywhiz at ${host} (${code})`, { ...base, hint: 'check that the server is up and `url` is right' });
  }
  return new ProviderUnavailableError(`request to keywhiz at ${host} failed${code ? ` (${code})` : ''}`, { ...base, retryable: false });
}

/** Turn a non-200 status into a typed error; the body is never quoted (it may echo data). */
export function mapStatus(status: number, request: SecretRequest, host: string, provider: string): BuildSecretsError {
  const base = { secretId: request.id, provider, cause: { name: 'HttpError', status } };
  if (status === 404) {
    return new SecretNotFoundError(`secret "${request.id}": keywhiz at ${host} has no secret named ${request.ref}`, {
      ...base,
      hint: 'check `ref`, and that the secret is assigned to a group of this client',
    });
  }
  if (status === 401) return new AuthenticationError(`keywhiz at ${host} did not accept the client certificate (HTTP 401)`, { ...base, hint: 'check `clientCert` and `clientKey`' });
  if (status === 403) {
    return new PermissionDeniedError(`keywhiz at ${host} denied access to secret "${request.id}" (HTTP 403)`, {
      ...base,
      hint: 'assign the secret to a group of this client in Keywhiz',
    });
  }
  const retryable = status === 429 || status >= 500;
  return new ProviderUnavailableError(`keywhiz at ${host} answered HTTP ${status} for secret "${request.id}"`, { ...base, retryable });
}
