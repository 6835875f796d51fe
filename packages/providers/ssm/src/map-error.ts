import {
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

/** What an error message may name: the secret id, the provider instance and the parameter name. */
export interface SsmErrorSubject {
  readonly secretId: string;
  readonly provider: string;
  /** The parameter name with its selector; a name is not a secret. */
  readonly where: string;
}

const CREDENTIALS_HINT =
  'configure AWS credentials as for the AWS CLI: AWS_PROFILE (or the `profile` option), `aws sso login`, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; check with `aws sts get-caller-identity`';
const WORDING = { service: 'SSM Parameter Store', credentialsHint: CREDENTIALS_HINT, regionHint: 'set the `region` option, export AWS_REGION, or set a region in the profile' };

/** The error for a name SSM listed in `InvalidParameters`: it does not exist, or not at that version/label. */
export function notFound(s: SsmErrorSubject): BuildSecretsError {
  return new SecretNotFoundError(`secret "${s.secretId}" was not found in SSM Parameter Store (${s.where})`, {
    secretId: s.secretId,
    provider: s.provider,
    hint: 'check the name (with its leading /), the version or label, and the region: `aws ssm get-parameters --names <name>`',
  });
}

/** Turn an SSM SDK error into a typed buildsecrets error. Vendor messages are never copied. */
export function mapSsmError(err: unknown, s: SsmErrorSubject): BuildSecretsError {
  if (isBuildSecretsError(err)) return err;
  const base = { secretId: s.secretId, provider: s.provider, cause: err };
  const name = awsErrorName(err);
  switch (name) {
    case 'ParameterNotFound':
    case 'ParameterVersionNotFound':
      return notFound(s);
    case 'AccessDeniedException':
      return new PermissionDeniedError(`access to secret "${s.secretId}" was denied by AWS (${s.where})`, {
        ...base,
        hint: "allow ssm:GetParameters on the parameter for the caller, and kms:Decrypt on a SecureString's KMS key",
      });
    case 'InvalidKeyId':
      return new PermissionDeniedError(`the KMS key of SecureString secret "${s.secretId}" cannot be used (${s.where})`, {
        ...base,
        hint: "check that the parameter's KMS key exists and is enabled, and that the caller may use it (kms:Decrypt)",
      });
    case 'ValidationException':
      return new InvalidSecretError(`SSM refused the parameter name of secret "${s.secretId}" as invalid (${s.where})`, { ...base, hint: 'parameter names use letters, digits and _.-/ ; a version is a number, a label starts with a letter' });
    default:
      break;
  }
  const common = mapCommonAwsError(err, s, WORDING);
  if (common) return common;
  if (isTransientAwsError(err) || name === 'TimeoutError' || name === 'SyntaxError' || name === 'InternalServerError') {
    return new ProviderUnavailableError(`SSM Parameter Store is unavailable for secret "${s.secretId}"${/^\w{1,64}$/.test(name) ? ` (${name})` : ''}`, base);
  }
  return new ProviderUnavailableError(`fetching secret "${s.secretId}" from SSM Parameter Store failed${/^\w{1,64}$/.test(name) ? ` (${name})` : ''}`, { ...base, retryable: false });
}

/** The error for a call cut short by our own abort signals: the run's deadline or a cancel. */
export function abortedError(s: SsmErrorSubject, byDeadline: boolean): BuildSecretsError {
  return awsAbortedError(s, 'SSM Parameter Store', byDeadline);
}
