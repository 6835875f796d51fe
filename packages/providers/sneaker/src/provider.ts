import { resolve as resolvePath } from 'node:path';
import { ConfigError, defineProvider, type ProviderContext, type SecretRequest } from '@buildsecrets/core';
import { sneakerOptionsSchema, type SneakerProviderOptions } from './options.js';
import type { SneakerCalls } from './sneaker-calls.js';
import { describeObject, resolveObjects } from './resolve-objects.js';
import { resolvePack } from './resolve-pack.js';
import { parseContextString, parseSneakerPath, type SneakerLocation } from './sneaker-path.js';

/** Where this instance reads from, settled at create time from the options and Sneaker's variables. */
type Source =
  | { readonly kind: 's3'; readonly location: SneakerLocation; readonly context: Readonly<Record<string, string>> }
  | { readonly kind: 'pack'; readonly file: string; readonly context: Readonly<Record<string, string>> };

function settleSource(options: SneakerProviderOptions, context: ProviderContext): Source {
  const at = (option: string): string => `providers.${context.instanceName}.options.${option}`;
  let master = options.context;
  if (master === undefined && options.pack === undefined) {
    const text = context.env['SNEAKER_MASTER_CONTEXT'] ?? '';
    const parsed = parseContextString(text);
    if (!parsed.ok) {
      throw new ConfigError([{ path: at('context'), message: `SNEAKER_MASTER_CONTEXT has a part without "=" (${JSON.stringify(parsed.part.slice(0, 40))})` }], {
        provider: context.instanceName,
        hint: 'write it as k1=v1,k2=v2, or set the `context` option',
      });
    }
    master = parsed.context;
  }
  if (options.pack !== undefined) return { kind: 'pack', file: resolvePath(context.baseDir, options.pack), context: options.context ?? {} };
  const path = options.path ?? context.env['SNEAKER_S3_PATH'];
  const location = path === undefined ? undefined : parseSneakerPath(path);
  if (!location) {
    throw new ConfigError([{ path: at('path'), message: path === undefined ? 'no S3 path is configured' : 'SNEAKER_S3_PATH is not an s3://bucket/prefix path' }], {
      provider: context.instanceName,
      hint: 'set the `path` option (s3://bucket/prefix/) or export SNEAKER_S3_PATH, or read a pack file with `pack`',
    });
  }
  return { kind: 's3', location, context: master ?? {} };
}

/**
 * The `sneaker` provider: secrets stored by [Sneaker](https://github.com/codahale/sneaker) in S3,
 * each sealed with AES-256-GCM under its own KMS data key; or files of a `sneaker pack` archive.
 *
 * `ref` is the secret's path under the prefix (`prod/db-password`) or the file name in a pack;
 * `version` is an S3 object version id; `key` picks a field of a JSON secret.
 *
 * @example
 * ```yaml
 * providers:
 *   sneaker: { use: sneaker, options: { path: "s3://acme-secrets/ci/", region: us-east-1, context: { env: prod } } }
 * secrets:
 *   db_password: { from: sneaker, ref: prod/db-password }
 * ```
 */
export const sneakerProvider = defineProvider<SneakerProviderOptions>({
  apiVersion: 1,
  name: 'sneaker',
  description: 'Sneaker: secrets in S3 sealed with KMS data keys (AES-256-GCM), or sneaker pack files',
  optionsSchema: sneakerOptionsSchema,
  // versionIds: S3 objects return `<key>@<VersionId>` (or `@etag:<ETag>`) for `cache: version`; pack files none.
  capabilities: { batch: true, versions: true, keys: true, binary: true, versionIds: true },
  async create(options, context) {
    const source = settleSource(options, context);
    const region = options.region ?? context.env['SNEAKER_REGION'];
    // Imported here, not at the top: a run that uses no sneaker provider never loads the AWS SDK.
    const { createSneakerCalls } = await import('./sneaker-calls.js');
    let calls: SneakerCalls | undefined = await createSneakerCalls(options, region, context.logger);
    return {
      async resolve(requests, signal) {
        if (!calls) throw new Error('[buildsecrets:sneaker] provider used after dispose');
        const remaining = Math.max(0, context.deadline - Date.now());
        const common = { calls, provider: context.instanceName, cancel: AbortSignal.any([signal, context.signal]), deadline: AbortSignal.timeout(remaining) };
        if (source.kind === 'pack') return resolvePack(requests, { ...common, file: source.file, context: source.context });
        return resolveObjects(requests, { ...common, location: source.location, masterContext: source.context });
      },
      describe(request: SecretRequest) {
        const what = source.kind === 'pack' ? `file ${request.ref} of Sneaker pack ${source.file}` : `Sneaker secret ${describeObject(source.location, request)}`;
        return `${what}${request.key ? ` key ${request.key}` : ''}`;
      },
      dispose() {
        calls?.destroy();
        calls = undefined;
      },
    };
  },
});
