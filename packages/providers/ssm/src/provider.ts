import { defineProvider, type SecretRequest } from '@buildsecrets/core';
import { ssmOptionsSchema, type SsmProviderOptions } from './options.js';
import { requestedName } from './parameter-name.js';
import { resolveParameters } from './resolve-parameters.js';
import type { SsmCalls } from './ssm-calls.js';

/**
 * The `ssm` provider: AWS Systems Manager Parameter Store through the AWS SDK for JavaScript v3.
 *
 * `ref` is a parameter name (or ARN); `version` a version number or label; `key` picks a field of
 * a JSON value. All secrets of a run are fetched with GetParameters (decrypted), 10 names a call.
 *
 * @example
 * ```yaml
 * providers:
 *   params: { use: ssm, options: { region: eu-west-1 } }
 * secrets:
 *   npm_token: { from: params, ref: /ci/npm-token }
 *   db_password: { from: params, ref: /prod/db, key: password, version: prod }
 * ```
 */
export const ssmProvider = defineProvider<SsmProviderOptions>({
  apiVersion: 1,
  name: 'ssm',
  description: 'AWS SSM Parameter Store (GetParameters with decryption, 10 names per call)',
  optionsSchema: ssmOptionsSchema,
  // versionIds: `<name>@<Version>` for `cache: version`.
  capabilities: { batch: true, versions: true, keys: true, binary: false, versionIds: true },
  async create(options, context) {
    // Imported here, not at the top: a run that uses no ssm provider never loads the SDK.
    const { createSsmCalls } = await import('./ssm-calls.js');
    let calls: SsmCalls | undefined = await createSsmCalls(options, context.logger);
    const where = options.region ? `region ${options.region}` : 'the default region';
    return {
      async resolve(requests, signal) {
        if (!calls) throw new Error('[buildsecrets:ssm] provider used after dispose');
        const remaining = Math.max(0, context.deadline - Date.now());
        return resolveParameters(requests, {
          calls,
          provider: context.instanceName,
          cancel: AbortSignal.any([signal, context.signal]),
          deadline: AbortSignal.timeout(remaining),
        });
      },
      describe(request: SecretRequest) {
        const name = requestedName(request.ref, request.version) ?? `${request.ref} (invalid name or version)`;
        return `SSM parameter ${name}${request.key ? ` key ${request.key}` : ''} in ${where}`;
      },
      dispose() {
        calls?.destroy();
        calls = undefined;
      },
    };
  },
});
