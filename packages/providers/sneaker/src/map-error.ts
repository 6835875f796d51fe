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
import { EnvelopeError } from './envelope.js';
import { ObjectTooLargeError } from './sneaker-calls.js';

/** What an error message may name: the secret id, the provider instance and where the object lives. */
export interface SneakerErrorSubject {
  readonly secretId: string;
  readonly provider: string;
  /** `s3://bucket/key` (plus a version id) or the pack file and entry; none of it is secret. */
  readonly where: string;
}

const CREDENTIALS_HINT =
  'configure AWS credentials as for the AWS CLI (AWS_PROFILE, `aws sso login`, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); check with `aws sts get-caller-identity`';
const WORDING = { service: 'AWS', credentialsHint: CREDENTIALS_HINT, regionHint: 'set the `region` option, SNEAKER_REGION or AWS_REGION' };
const KEY_ARN = /arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key|alias)\/[\w/-]{1,256}/;

/** The KMS key ARN an AccessDenied message names (an ARN is not a secret), if any. */
function keyArnIn(err: unknown): string | undefined {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? KEY_ARN.exec(message)?.[0] : undefined;
}

/**
 * Turn an S3 / KMS SDK error or an envelope failure into a typed buildsecrets error. Vendor messages
 * are never copied; an envelope failure carries no cause, so no byte of it can travel further.
 */
export function mapSneakerError(err: unknown, s: SneakerErrorSubject, phase: 's3' | 'kms' | 'file'): BuildSecretsError {
  if (isBuildSecretsError(err)) return err;
  const base = { secretId: s.secretId, provider: s.provider };
  if (err instanceof EnvelopeError) {
    return new InvalidSecretError(`secret "${s.secretId}" could not be opened (${s.where}): ${err.message}`, {
      ...base,
      hint: 'the object was changed after sealing, was sealed for another path or context, or is not in Sneaker\'s format; re-upload it with `sneaker upload`',
    });
  }
  if (err instanceof ObjectTooLargeError) return new InvalidSecretError(`secret "${s.secretId}" is too large to be a Sneaker secret (${s.where})`, base);
  const name = awsErrorName(err);
  const withCause = { ...base, cause: err };
  switch (name) {
    case 'NoSuchKey':
    case 'NotFound':
    case 'NoSuchVersion':
    case 'NoSuchBucket':
      return new SecretNotFoundError(`secret "${s.secretId}" was not found (${s.where}${name === 'NoSuchBucket' ? ': no such bucket' : ''})`, {
        ...withCause,
        hint: 'check `ref` against `sneaker ls`, the version id, and the provider\'s `path` (SNEAKER_S3_PATH)',
      });
    case 'InvalidArgument':
      return new InvalidSecretError(`S3 refused the request for secret "${s.secretId}" as invalid (${s.where})`, { ...withCause, hint: 'check the version id' });
    case 'InvalidCiphertextException':
    case 'IncorrectKeyException':
      return new InvalidSecretError(`KMS refused the data key of secret "${s.secretId}" (${s.where}): wrong encryption context, a changed object, or another key`, {
        ...base,
        hint: 'check `context` (SNEAKER_MASTER_CONTEXT) and `path` against what the secret was uploaded with; a changed object must be uploaded again',
      });
    case 'AccessDenied':
    case 'AccessDeniedException': {
      if (phase === 'kms') {
        const key = keyArnIn(err);
        return new PermissionDeniedError(`KMS denied decrypting the data key of secret "${s.secretId}" with key ${key ?? '(the key the object was sealed with)'}`, {
          ...withCause,
          hint: `allow kms:Decrypt on ${key ?? 'that key'} for the caller, with the encryption context Sneaker uses`,
        });
      }
      return new PermissionDeniedError(`S3 denied reading secret "${s.secretId}" (${s.where})`, { ...withCause, hint: 'allow s3:GetObject (and s3:GetObjectVersion for pinned versions) on the object for the caller' });
    }
    case 'DisabledException':
    case 'KMSInvalidStateException':
    case 'NotFoundException':
      return new PermissionDeniedError(`the KMS key of secret "${s.secretId}" cannot be used (${name})${keyArnIn(err) ? `: ${keyArnIn(err)}` : ''}`, { ...withCause, hint: 'enable the key (or cancel its deletion) in KMS' });
    default:
      break;
  }
  const common = mapCommonAwsError(err, s, WORDING);
  if (common) return common;
  if (phase === 'file') {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') return new SecretNotFoundError(`the pack file of secret "${s.secretId}" does not exist (${s.where})`, { ...base, hint: 'check the `pack` option (relative to the config file)' });
    return new InvalidSecretError(`the pack file of secret "${s.secretId}" could not be read (${s.where}${typeof code === 'string' ? `, ${code}` : ''})`, base);
  }
  if (isTransientAwsError(err) || name === 'TimeoutError' || name === 'SyntaxError') {
    return new ProviderUnavailableError(`${phase === 'kms' ? 'KMS' : 'S3'} is unavailable for secret "${s.secretId}"${/^\w{1,64}$/.test(name) ? ` (${name})` : ''}`, withCause);
  }
  return new ProviderUnavailableError(`fetching secret "${s.secretId}" from Sneaker failed${/^\w{1,64}$/.test(name) ? ` (${name})` : ''}`, { ...withCause, retryable: false });
}

/** The error for a call cut short by our own abort signals: the run's deadline or a cancel. */
export function abortedError(s: SneakerErrorSubject, byDeadline: boolean): BuildSecretsError {
  return awsAbortedError(s, 'Sneaker', byDeadline);
}
