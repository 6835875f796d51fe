import type { AwsSecretStore, AwsTestSecret, AwsTestSecretVersion } from './secret-store.js';

/** An error answered in AWS shape: `__type`, message and HTTP status. */
export class AwsFault extends Error {
  constructor(readonly type: string, message: string, readonly status = type === 'InternalServiceError' ? 500 : 400) {
    super(message);
  }
}

function field(input: unknown, name: string): unknown {
  return typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[name] : undefined;
}

function optionalString(input: unknown, name: string): string | undefined {
  const v = field(input, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw new AwsFault('InvalidParameterException', `${name} must be a non-empty string`);
  return v;
}

function entry(secret: AwsTestSecret, version: AwsTestSecretVersion): Record<string, unknown> {
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    VersionStages: version.stages,
    CreatedDate: version.createdDate,
    ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
    ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary.toString('base64') } : {}),
  };
}

function read(store: AwsSecretStore, secretId: string, versionId?: string, versionStage?: string): Record<string, unknown> {
  const secret = store.secret(secretId);
  if (!secret) throw new AwsFault('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  if (secret.failWith) throw new AwsFault(secret.failWith, `injected ${secret.failWith}`);
  const version = store.version(secret, { secretId, ...(versionId ? { versionId } : {}), ...(versionStage ? { versionStage } : {}) });
  if (!version) throw new AwsFault('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for the version or staging label.");
  return entry(secret, version);
}

/** `secretsmanager.GetSecretValue`: SecretId plus optional VersionId / VersionStage (both must agree). */
export function handleGetSecretValue(store: AwsSecretStore, input: unknown): Record<string, unknown> {
  const secretId = optionalString(input, 'SecretId');
  if (!secretId) throw new AwsFault('InvalidParameterException', 'SecretId is required');
  return read(store, secretId, optionalString(input, 'VersionId'), optionalString(input, 'VersionStage'));
}

/**
 * `secretsmanager.BatchGetSecretValue` with SecretIdList (at most 20, no duplicates): the current
 * version of each, failures per item in `Errors` as the real service lists them.
 */
export function handleBatchGetSecretValue(store: AwsSecretStore, input: unknown): Record<string, unknown> {
  const list = field(input, 'SecretIdList');
  if (field(input, 'Filters') !== undefined) throw new AwsFault('InvalidParameterException', 'Filters are not supported by the test server');
  if (!Array.isArray(list) || list.length === 0 || !list.every((s): s is string => typeof s === 'string' && s.length > 0)) {
    throw new AwsFault('InvalidParameterException', 'SecretIdList must be a non-empty list of strings');
  }
  if (list.length > 20) throw new AwsFault('InvalidParameterException', 'SecretIdList holds at most 20 ids');
  if (new Set(list).size !== list.length) throw new AwsFault('InvalidParameterException', 'SecretIdList has duplicates');
  const SecretValues: Record<string, unknown>[] = [];
  const Errors: Record<string, unknown>[] = [];
  for (const secretId of list) {
    try {
      SecretValues.push(read(store, secretId));
    } catch (err) {
      if (!(err instanceof AwsFault)) throw err;
      Errors.push({ SecretId: secretId, ErrorCode: err.type, Message: err.message });
    }
  }
  return { SecretValues, Errors };
}
