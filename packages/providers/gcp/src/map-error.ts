import {
  AbortedError,
  AuthenticationError,
  type BuildSecretsError,
  InvalidSecretError,
  PermissionDeniedError,
  ProviderUnavailableError,
  SecretNotFoundError,
  TimeoutError,
  isBuildSecretsError,
} from '@buildsecrets/core';

/** What an error message may name: the secret id, the provider instance and the resource name. */
export interface GcpErrorSubject {
  readonly secretId: string;
  readonly provider: string;
  /** The SecretVersion resource name (or the ref); not a secret. */
  readonly where: string;
}

/** gRPC status codes used by Secret Manager. */
const Status = { CANCELLED: 1, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/** How to get credentials, for every authentication failure. */
export const ADC_HINT =
  'run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS (or the `keyFilename` option) to a service account key file';

function codeOf(err: unknown): number | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Turn a Secret Manager client error into a typed buildsecrets error by its gRPC status. Vendor
 * messages are not copied (they can carry request details); the status name is.
 */
export function mapGcpError(err: unknown, s: GcpErrorSubject): BuildSecretsError {
  if (isBuildSecretsError(err)) return err;
  const base = { secretId: s.secretId, provider: s.provider, cause: err };
  switch (codeOf(err)) {
    case Status.NOT_FOUND:
      return new SecretNotFoundError(`secret "${s.secretId}" was not found in Google Secret Manager (${s.where})`, {
        ...base,
        hint: 'check the name, project, location and version (`gcloud secrets versions list <name> --project <project>`)',
      });
    case Status.PERMISSION_DENIED:
      return new PermissionDeniedError(`access to secret "${s.secretId}" was denied by Google Secret Manager (${s.where})`, {
        ...base,
        hint: 'grant roles/secretmanager.secretAccessor on the secret (or project) to the caller; check the project and that the API is enabled',
      });
    case Status.UNAUTHENTICATED:
      return new AuthenticationError(`Google rejected the credentials used for secret "${s.secretId}"`, { ...base, hint: ADC_HINT });
    case Status.UNAVAILABLE:
    case Status.INTERNAL:
      return new ProviderUnavailableError(`Google Secret Manager is unavailable for secret "${s.secretId}"`, base);
    case Status.RESOURCE_EXHAUSTED:
      return new ProviderUnavailableError(`Google Secret Manager quota was exhausted reading secret "${s.secretId}"`, { ...base, hint: 'retry later, or lower `resolve.concurrency`' });
    case Status.DEADLINE_EXCEEDED:
      return new TimeoutError(`Google Secret Manager did not answer in time for secret "${s.secretId}"`, base);
    case Status.FAILED_PRECONDITION:
      return new InvalidSecretError(`the requested version of secret "${s.secretId}" is disabled or destroyed (${s.where})`, {
        ...base,
        hint: 'enable it (`gcloud secrets versions enable <version> --secret <name>`) or pin another version',
      });
    case Status.INVALID_ARGUMENT:
      return new InvalidSecretError(`Google Secret Manager refused the request for secret "${s.secretId}" as invalid (${s.where})`, base);
    case Status.CANCELLED:
      return new AbortedError(`fetching secret "${s.secretId}" was cancelled`, base);
    default:
      break;
  }
  // HTTP statuses (not gRPC codes) come from the credential path: a token endpoint (STS, OAuth) or
  // a workload identity credential source refused or failed before any Secret Manager call.
  const http = codeOf(err);
  if (http !== undefined && http >= 400 && http < 500) {
    return new AuthenticationError(`Google's token service refused the credentials used for secret "${s.secretId}" (HTTP ${http})`, { ...base, hint: ADC_HINT });
  }
  if (http !== undefined && http >= 500 && http < 600) {
    return new ProviderUnavailableError(`Google's token service is unavailable for secret "${s.secretId}" (HTTP ${http})`, base);
  }
  const message = err instanceof Error ? err.message : '';
  if (/default credentials|Could not refresh access token|invalid_grant|ENOENT.*\.json/i.test(message)) {
    return new AuthenticationError(`no usable Google credentials for secret "${s.secretId}"`, { ...base, hint: ADC_HINT });
  }
  return new ProviderUnavailableError(`fetching secret "${s.secretId}" from Google Secret Manager failed`, { ...base, retryable: false });
}
