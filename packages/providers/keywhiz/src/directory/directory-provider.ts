import { realpath } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import {
  AbortedError,
  BuildSecretsError,
  InvalidSecretError,
  PermissionDeniedError,
  ProviderUnavailableError,
  SecretNotFoundError,
  secretFailed,
  secretOk,
  type ProviderContext,
  type SecretProvider,
  type SecretRequest,
  type SecretResult,
} from '@buildsecrets/core';
import { assertNoVersion, assertNotExpired, finishValue } from '../finish-value.js';
import { MAX_SECRET_BYTES } from '../limits.js';
import type { KeywhizDirectoryOptions } from '../options.js';
import { isMissing, resolveInsideRoot } from './inside-root.js';
import { readMetadata } from './metadata.js';
import { readCapped } from './read-capped.js';
import { checkRef } from './safe-ref.js';

/** Directory mode: each ref is a file under the root (keywhiz-fs, Docker and Kubernetes secret dirs). */
export function createDirectoryProvider(options: KeywhizDirectoryOptions, context: ProviderContext): SecretProvider {
  const provider = context.instanceName;
  const root = resolvePath(context.baseDir, options.root);

  const rootReal = async (): Promise<string> => {
    try {
      return await realpath(root);
    } catch (error) {
      throw new ProviderUnavailableError(`secret directory ${root} is not there`, {
        provider,
        cause: error,
        hint: isMissing(error) ? 'mount the secrets directory (keywhiz-fs, a Docker or Kubernetes secret volume) or fix `root`' : 'check the permissions of the secrets directory',
      });
    }
  };

  const one = async (request: SecretRequest, base: string): Promise<SecretResult> => {
    checkRef(request, provider);
    assertNoVersion(request, provider);
    const path = await resolveInsideRoot(base, request.ref, request, provider);
    if (path === undefined) {
      throw new SecretNotFoundError(`secret "${request.id}": no file ${request.ref} in ${root}`, {
        secretId: request.id,
        provider,
        hint: 'check `ref` (the file name under the root) and that the secret is deployed to this machine',
      });
    }
    const meta = await readMetadata(base, request, provider);
    assertNotExpired(meta?.expiry, request, provider);
    if (meta?.secretLength !== undefined && meta.secretLength > MAX_SECRET_BYTES) {
      throw new InvalidSecretError(`secret "${request.id}" (${request.ref}) is ${meta.secretLength} bytes, more than the ${MAX_SECRET_BYTES}-byte limit`, {
        secretId: request.id,
        provider,
        hint: 'BuildKit refuses secrets over 500 KiB; store a smaller value',
      });
    }
    const bytes = await readCapped(path, MAX_SECRET_BYTES, request, provider);
    // keywhiz-fs metadata dates the content: `<file>@<timestamp>` is the version id (none for plain Docker/Kubernetes dirs).
    return secretOk(request.id, finishValue(bytes, request, provider), meta?.createdAt !== undefined ? `${request.ref}@${meta.createdAt}` : undefined);
  };

  const typed = (request: SecretRequest, error: unknown): BuildSecretsError => {
    if (error instanceof BuildSecretsError) return error;
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EACCES' || code === 'EPERM') {
      return new PermissionDeniedError(`secret "${request.id}": ${request.ref} cannot be read (permission denied)`, {
        secretId: request.id,
        provider,
        cause: error,
        hint: 'give the user running buildsecrets read access to the secret file',
      });
    }
    return new ProviderUnavailableError(`secret "${request.id}": reading ${request.ref} failed`, { secretId: request.id, provider, cause: error, retryable: false });
  };

  return {
    async resolve(requests, signal) {
      if (signal.aborted) throw new AbortedError(undefined, { provider });
      const base = await rootReal();
      return Promise.all(
        requests.map((request) =>
          one(request, base).catch((error: unknown) => secretFailed(request.id, typed(request, error))),
        ),
      );
    },
    describe: (request) => `file ${request.ref} under ${root}`,
    dispose() {},
  };
}
