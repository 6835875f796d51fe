import {
  type AwsErrorSubject,
  type BuildSecretsError,
  InvalidSecretError,
  PermissionDeniedError,
  ProviderUnavailableError,
  SecretNotFoundError,
  awsAbortedError,
  awsErrorName,
  isBuildSecretsError,
  isTransientAwsError,
  mapCommonAwsError,
} from '@buildsecrets/core';

/** What an error message may name: the secret id, the provider instance and the secret's address (the name or ARN, plus a version description; neither is a secret). */
export type { AwsErrorSubject };

const CREDENTIALS_HINT =
  'configure AWS credentials as for the AWS CLI: set AWS_PROFILE (or the `profile` option) to a profile in ~/.aws/config, run `aws sso login --profile <name>` for SSO profiles, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; check with `aws sts get-caller-identity`';
const WORDING = {
  service: 'AWS Secrets Manager',
  credentialsHint: CREDENTIALS_HINT,
  regionHint: 'set the `region` option, export AWS_REGION, or set a region in the profile (`aws configure set region <region>`)',
};

/**
 * Turn an AWS SDK error (or a BatchGetSecretValue per-item error code, passed as `{ name }`) into a
 * typed buildsecrets error. Vendor messages are never copied: they can quote request data.
 */
export function mapAwsError(err: unknown, s: AwsErrorSubject): BuildSecretsError {
  if (isBuildSecretsError(err)) return err;
  const base = { secretId: s.secretId, provider: s.provider, cause: err };
  const name = awsErrorName(err);
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
    case 'InvalidRequestException':
    case 'InvalidParameterException':
      return new InvalidSecretError(`AWS refused the request for secret "${s.secretId}" as invalid (${s.where}, ${name})`, {
        ...base,
        hint: 'the secret may be scheduled for deletion, or the version/stage pin may not fit it; check with `aws secretsmanager describe-secret`',
      });
    default:
      break;
  }
  const common = mapCommonAwsError(err, s, WORDING);
  if (common) return common;
  if (name === 'SyntaxError') {
    // The SDK could not parse the response body: a connection cut mid-answer or a broken proxy. Transient.
    return new ProviderUnavailableError(`AWS Secrets Manager sent a malformed response for secret "${s.secretId}"`, base);
  }
  if (isTransientAwsError(err) || name === 'TimeoutError') {
    return new ProviderUnavailableError(`AWS Secrets Manager is unavailable for secret "${s.secretId}"${name ? ` (${name})` : ''}`, base);
  }
  return new ProviderUnavailableError(`fetching secret "${s.secretId}" from AWS Secrets Manager failed${name && /^\w{1,64}$/.test(name) ? ` (${name})` : ''}`, {
    ...base,
    retryable: false,
  });
}

/** The error for a call cut short by our own abort signals: the run's deadline or a cancel. */
export function abortedError(s: AwsErrorSubject, byDeadline: boolean): BuildSecretsError {
  return awsAbortedError(s, 'AWS Secrets Manager', byDeadline);
}
