import { defineProvider, type SecretRequest } from '@buildsecrets/core';
import type { AwsCalls } from './aws-calls.js';
import { BatchGate } from './batch-gate.js';
import { awsOptionsSchema, type AwsProviderOptions } from './options.js';
import { describeVersion, parseVersion } from './parse-version.js';
import { resolveRequests } from './resolve-requests.js';

/**
 * The `aws` provider: AWS Secrets Manager through the AWS SDK for JavaScript v3.
 *
 * `ref` is a secret name or ARN; `version` is a VersionId or `stage:<label>`; `key` picks a field
 * out of a JSON SecretString. Two or more unpinned secrets are fetched with BatchGetSecretValue
 * (falling back to GetSecretValue for the run when the policy denies it).
 *
 * @example
 * ```yaml
 * providers:
 *   prod-aws: { use: aws, options: { region: eu-west-1, profile: ci } }
 * secrets:
 *   db_password: { from: prod-aws, ref: prod/db, key: password }
 * ```
 */
export const awsProvider = defineProvider<AwsProviderOptions>({
  apiVersion: 1,
  name: 'aws',
  description: 'AWS Secrets Manager (GetSecretValue / BatchGetSecretValue)',
  optionsSchema: awsOptionsSchema,
  // versionIds: every answer (single or batch) carries the VersionId served, for `cache: version`.
  capabilities: { batch: true, versions: true, keys: true, binary: true, versionIds: true },
  async create(options, context) {
    // Imported here, not at the top: a run that uses no AWS provider never loads the SDK.
    const { createAwsCalls } = await import('./aws-calls.js');
    let calls: AwsCalls | undefined = await createAwsCalls(options, context.logger);
    const gate = new BatchGate();
    const where = options.region ? `region ${options.region}` : 'the default region';
    return {
      async resolve(requests, signal) {
        if (!calls) throw new Error('[buildsecrets:aws] provider used after dispose');
        const remaining = Math.max(0, context.deadline - Date.now());
        return resolveRequests(requests, {
          calls,
          gate,
          provider: context.instanceName,
          logger: context.logger,
          cancel: AbortSignal.any([signal, context.signal]),
          deadline: AbortSignal.timeout(remaining),
        });
      },
      describe(request: SecretRequest) {
        const selector = parseVersion(request.version);
        const version = selector ? describeVersion(selector) : ` version ${request.version ?? ''} (invalid)`;
        return `AWS Secrets Manager secret ${request.ref}${version}${request.key ? ` key ${request.key}` : ''} in ${where}`;
      },
      dispose() {
        calls?.destroy();
        calls = undefined;
      },
    };
  },
});
