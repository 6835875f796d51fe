import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { PermissionDeniedError, type SecretRequest } from '@buildsecrets/core';

/** True for the errno codes that mean "there is nothing at this path". */
export function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Resolve `rootReal/name` with every symlink followed and make sure it is still inside
 * `rootReal` (a Kubernetes `..data` link stays inside; a link to `/etc` does not). Returns
 * `undefined` when nothing is there (a dangling link included).
 */
export async function resolveInsideRoot(rootReal: string, name: string, request: SecretRequest, provider: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(join(rootReal, name));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const rel = relative(rootReal, real);
  // `..2024_01_01/token` (Kubernetes) starts with two dots but is inside; only a `..` segment leaves.
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new PermissionDeniedError(`secret "${request.id}": ${request.ref} leads outside the provider root through a symlink`, {
      secretId: request.id,
      provider,
      hint: 'secrets must live inside the configured root; replace the symlink with the file, or point `root` at the right directory',
    });
  }
  return real;
}
