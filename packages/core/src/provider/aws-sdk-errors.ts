import { AbortedError, AuthenticationError, type BuildSecretsError, ConfigError, ProviderUnavailableError, TimeoutError } from '../errors/index.js';

/** What an AWS-family provider's error message may name: the secret id, the provider instance and where the secret lives. */
export interface AwsErrorSubject {
  readonly secretId: string;
  readonly provider: string;
  /** The secret's address (name, ARN, `s3://…`, parameter) with its version; never a value. */
  readonly where: string;
}

/** How one AWS-family provider words the errors {@link mapCommonAwsError} makes. */
export interface AwsErrorWording {
  /** The service as messages name it ("AWS Secrets Manager", "SSM Parameter Store", "AWS"). */
  readonly service: string;
  /** How to get credentials, for every authentication failure. */
  readonly credentialsHint: string;
  /** How to set a region, when the SDK found none. */
  readonly regionHint: string;
}

/** The `name` of an AWS SDK error (or of a per-item error code passed as `{ name }`), or ''. */
export function awsErrorName(err: unknown): string {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : '';
}

/** A server-side fault (5xx) or a network failure: worth retrying. */
export function isTransientAwsError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { $fault?: unknown; $metadata?: { httpStatusCode?: unknown }; code?: unknown };
  const status = e.$metadata?.httpStatusCode;
  if (e.$fault === 'server' || (typeof status === 'number' && status >= 500)) return true;
  return typeof e.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH)$/.test(e.code);
}

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);

/**
 * The errors every AWS SDK client raises alike — throttling, missing or rejected credentials, an
 * abort, no region — as typed buildsecrets errors; `undefined` for anything service-specific,
 * which the provider maps itself. Vendor messages are never copied (they can quote request data).
 */
export function mapCommonAwsError(err: unknown, s: AwsErrorSubject, wording: AwsErrorWording): BuildSecretsError | undefined {
  const base = { secretId: s.secretId, provider: s.provider, cause: err };
  const name = awsErrorName(err);
  if (THROTTLED.has(name)) {
    return new ProviderUnavailableError(`${wording.service} throttled the request for secret "${s.secretId}"`, { ...base, hint: 'retry later, or lower `resolve.concurrency`' });
  }
  if (name === 'CredentialsProviderError') return new AuthenticationError(`no AWS credentials found for secret "${s.secretId}"`, { ...base, hint: wording.credentialsHint });
  if (REJECTED_CREDENTIALS.has(name)) {
    return new AuthenticationError(`AWS rejected the credentials used for secret "${s.secretId}" (${name})`, { ...base, hint: wording.credentialsHint });
  }
  if (name === 'AbortError') return new AbortedError(`fetching secret "${s.secretId}" was cancelled`, base);
  if (err instanceof Error && err.message === 'Region is missing') {
    return new ConfigError([{ path: `providers.${s.provider}.options.region`, message: 'no AWS region is configured' }], { ...base, hint: wording.regionHint });
  }
  return undefined;
}

/** The error for a call cut short by the provider's own abort signals: the run's deadline or a cancel. */
export function awsAbortedError(s: Pick<AwsErrorSubject, 'secretId' | 'provider'>, service: string, byDeadline: boolean): BuildSecretsError {
  const base = { secretId: s.secretId, provider: s.provider };
  return byDeadline
    ? new TimeoutError(`fetching secret "${s.secretId}" from ${service} ran past the deadline`, base)
    : new AbortedError(`fetching secret "${s.secretId}" was cancelled`, base);
}
