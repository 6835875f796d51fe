import {
  AbortedError,
  AuthenticationError,
  type BuildSecretsError,
  ConfigError,
  InvalidSecretError,
  PermissionDeniedError,
  ProviderUnavailableError,
  SecretNotFoundError,
  TimeoutError,
  isBuildSecretsError,
} from '@buildsecrets/core';

/** What an error message may name: the secret id, the provider instance and the secret's address. */
export interface AwsErrorSubject {
  readonly secretId: string;
  readonly provider: string;
  /** The name or ARN, plus a version description; neither is a secret. */
  readonly where: string;
}

const CREDENTIALS_HINT =
  'configure AWS credentials as for the AWS CLI: set AWS_PROFILE (or the `profile` option) to a profile in ~/.aws/config, run `aws sso login --profile <name>` for SSO profiles, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; check with `aws sts get-caller-identity`';

function nameOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const name = (err as { name?: unknown }).name;
  return typeof name === 'string' ? name : '';
}

function isServerFault(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = e.$metadata?.httpStatusCode;
  return e.$fault === 'server' || (typeof status === 'number' && status >= 500);
}

function isNetworkError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH)$/.test(code);
}

/**
 * Turn an AWS SDK error (or a BatchGetSecretValue per-item error code, passed as `{ name }`) into a
 * typed buildsecrets error. Vendor messages are never copied: they can quote request data.
 */
export function mapAwsError(err: unknown, s: AwsErrorSubject): BuildSecretsError {
  if (isBuildSecretsError(err)) return err;
  const base = { secretId: s.secretId, provider: s.provider, cause: err };
  const name = nameOf(err);
  switch (name) {
    case 'ResourceNotFoundException':
      return new SecretNotFoundError(`secret "${s.secretId}" was not found in AWS Secrets Manager (${s.where})`, {
        ...base,
        hint: 'check the name or ARN, the version or stage, and the region (`aws secretsmanager describe-secret --secret-id <ref>`)',
      });
    case 'AccessDeniedException':
      return new PermissionDeniedError(`access to secret "${s.secretId}" was denied by AWS (${s.where})`, {
        ...base,
        hint: 'allow secretsmanager:GetSecretValue on this secret for the caller (and kms:Decrypt on its KMS key if it uses a customer managed key)',
      });
    case 'DecryptionFailure':
      return new PermissionDeniedError(`AWS could not decrypt secret "${s.secretId}" with its KMS key (${s.where})`, {
        ...base,
        hint: "allow kms:Decrypt on the secret's KMS key for the caller (key policy or IAM policy), and check that the key is enabled",
      });
    case 'ThrottlingException':
    case 'TooManyRequestsException':
    case 'RequestLimitExceeded':
      return new ProviderUnavailableError(`AWS Secrets Manager throttled the request for secret "${s.secretId}"`, { ...base, hint: 'retry later, or lower `resolve.concurrency`' });
    case 'CredentialsProviderError':
      return new AuthenticationError(`no AWS credentials found for secret "${s.secretId}"`, { ...base, hint: CREDENTIALS_HINT });
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'MissingAuthenticationTokenException':
    case 'InvalidClientTokenId':
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return new AuthenticationError(`AWS rejected the credentials used for secret "${s.secretId}" (${name})`, { ...base, hint: CREDENTIALS_HINT });
    case 'InvalidRequestException':
    case 'InvalidParameterException':
      return new InvalidSecretError(`AWS refused the request for secret "${s.secretId}" as invalid (${s.where}, ${name})`, {
        ...base,
        hint: 'the secret may be scheduled for deletion, or the version/stage pin may not fit it; check with `aws secretsmanager describe-secret`',
      });
    case 'AbortError':
      return new AbortedError(`fetching secret "${s.secretId}" was cancelled`, base);
    default:
      break;
  }
  if (err instanceof Error && err.message === 'Region is missing') {
    return new ConfigError([{ path: `providers.${s.provider}.options.region`, message: 'no AWS region is configured' }], {
      ...base,
      hint: 'set the `region` option, export AWS_REGION, or set a region in the profile (`aws configure set region <region>`)',
    });
  }
  if (name === 'SyntaxError') {
    // The SDK could not parse the response body: a connection cut mid-answer or a broken proxy. Transient.
    return new ProviderUnavailableError(`AWS Secrets Manager sent a malformed response for secret "${s.secretId}"`, base);
  }
  if (isServerFault(err) || isNetworkError(err) || name === 'TimeoutError') {
    return new ProviderUnavailableError(`AWS Secrets Manager is unavailable for secret "${s.secretId}"${name ? ` (${name})` : ''}`, base);
  }
  return new ProviderUnavailableError(`fetching secret "${s.secretId}" from AWS Secrets Manager failed${name && /^\w{1,64}$/.test(name) ? ` (${name})` : ''}`, {
    ...base,
    retryable: false,
  });
}

/** The error for a call cut short by our own abort signals: the run's deadline or a cancel. */
export function abortedError(s: AwsErrorSubject, byDeadline: boolean): BuildSecretsError {
  return byDeadline
    ? new TimeoutError(`fetching secret "${s.secretId}" from AWS Secrets Manager ran past the deadline`, { secretId: s.secretId, provider: s.provider })
    : new AbortedError(`fetching secret "${s.secretId}" was cancelled`, { secretId: s.secretId, provider: s.provider });
}
