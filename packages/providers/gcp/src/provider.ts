import { defineProvider, type SecretRequest } from '@buildsecrets/core';
import type { GcpCalls } from './gcp-client.js';
import { gcpOptionsSchema, type GcpProviderOptions } from './options.js';
import { parseRef, versionName } from './parse-ref.js';
import { resolveRequests } from './resolve-requests.js';

/**
 * The `gcp` provider: Google Secret Manager through `@google-cloud/secret-manager`.
 *
 * `ref` is a short secret name (project from `projectId` or ADC) or a full resource name;
 * `version` is `latest` (default) or a number; `key` picks a field out of a JSON payload. Every
 * payload's CRC32C is verified.
 *
 * @example
 * ```yaml
 * providers:
 *   gsm: { use: gcp, options: { projectId: my-project } }
 * secrets:
 *   api_key: { from: gsm, ref: api-key, version: "3" }
 * ```
 */
export const gcpProvider = defineProvider<GcpProviderOptions>({
  apiVersion: 1,
  name: 'gcp',
  description: 'Google Secret Manager (AccessSecretVersion)',
  optionsSchema: gcpOptionsSchema,
  // versionIds: the served version's resource name (`projects/…/secrets/…/versions/N`), for `cache: version`.
  capabilities: { versions: true, keys: true, binary: true, versionIds: true },
  async create(options, context) {
    // Imported here, not at the top: a run that uses no GCP provider never loads the client library.
    const { createGcpCalls } = await import('./gcp-client.js');
    let calls: GcpCalls | undefined = await createGcpCalls(options, context.baseDir, context.instanceName);
    let project: Promise<string> | undefined;
    return {
      async resolve(requests, signal) {
        const live = calls;
        if (!live) throw new Error('[buildsecrets:gcp] provider used after dispose');
        return resolveRequests(requests, {
          calls: live,
          provider: context.instanceName,
          defaultLocation: options.location,
          project: () => (project ??= options.projectId !== undefined ? Promise.resolve(options.projectId) : live.projectId()),
          cancel: AbortSignal.any([signal, context.signal]),
          deadline: context.deadline,
        });
      },
      describe(request: SecretRequest) {
        const a = parseRef(request.ref, request.version);
        if ('invalid' in a) return `Google Secret Manager: invalid ref (${a.invalid})`;
        const name = versionName(a, options.projectId ?? '<ADC project>', options.location);
        return `Google Secret Manager ${name}${request.key ? ` key ${request.key}` : ''}`;
      },
      async dispose() {
        const live = calls;
        calls = undefined;
        // A client whose channel never came up rejects close(); there is nothing left to release then.
        await live?.close().catch(() => undefined);
      },
    };
  },
});
