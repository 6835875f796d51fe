import type { Logger } from '@buildsecrets/core';
import type { APIErrorType, SecretValueEntry, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { AwsProviderOptions } from './options.js';
import type { AwsSecretPayload } from './payload.js';
import type { AwsVersionSelector } from './parse-version.js';
import { withSdkNodeWarningAsDebug } from './quiet-sdk-warnings.js';

/** What one BatchGetSecretValue exchange (all its pages) returned. */
export interface AwsBatchAnswer {
  readonly values: readonly SecretValueEntry[];
  readonly errors: readonly APIErrorType[];
}

/** The two Secrets Manager calls the provider makes, behind a seam so the logic is testable. */
export interface AwsCalls {
  /** GetSecretValue for one secret, optionally pinned to a VersionId or VersionStage. */
  getSecretValue(ref: string, selector: AwsVersionSelector, signal: AbortSignal): Promise<AwsSecretPayload>;
  /** BatchGetSecretValue for up to 20 names or ARNs. */
  batchGet(refs: readonly string[], signal: AbortSignal): Promise<AwsBatchAnswer>;
  /** Close sockets. */
  destroy(): void;
}

/** A batch answer with SecretIdList fits one page; the bound only stops a server that never ends. */
const MAX_PAGES = 10;

/**
 * Load the AWS SDK (lazily: only providers that are used pay for it) and make a client. Region
 * and credentials are left to the SDK's own chain unless the options name them.
 */
export async function createAwsCalls(options: AwsProviderOptions, logger: Logger): Promise<AwsCalls> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const config: SecretsManagerClientConfig = { maxAttempts: options.maxAttempts ?? 1 };
  if (options.region !== undefined) config.region = options.region;
  if (options.profile !== undefined) config.profile = options.profile;
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  const client = withSdkNodeWarningAsDebug(logger, () => new sdk.SecretsManagerClient(config));

  return {
    async getSecretValue(ref, selector, signal) {
      const input = {
        SecretId: ref,
        ...(selector.kind === 'id' ? { VersionId: selector.VersionId } : {}),
        ...(selector.kind === 'stage' ? { VersionStage: selector.VersionStage } : {}),
      };
      const out = await client.send(new sdk.GetSecretValueCommand(input), { abortSignal: signal });
      return { SecretString: out.SecretString, SecretBinary: out.SecretBinary, VersionId: out.VersionId };
    },
    async batchGet(refs, signal) {
      const values: SecretValueEntry[] = [];
      const errors: APIErrorType[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(
          new sdk.BatchGetSecretValueCommand({ SecretIdList: [...refs], ...(nextToken ? { NextToken: nextToken } : {}) }),
          { abortSignal: signal },
        );
        values.push(...(out.SecretValues ?? []));
        errors.push(...(out.Errors ?? []));
        nextToken = out.NextToken;
        if (!nextToken) break;
      }
      return { values, errors };
    },
    destroy() {
      client.destroy();
    },
  };
}
