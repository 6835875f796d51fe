import { InvalidSecretError, type SecretRequest } from '@buildsecrets/core';

/**
 * Check a directory-mode `ref` before it touches the file system. A ref is one or more
 * `/`-separated names under the root; none may be empty or start with `.`, which refuses `.`,
 * `..` and the names keywhiz-fs reserves for itself (`.json`, `.clear_cache`, `.running`,
 * `.version`) as well as Kubernetes' `..data` bookkeeping. Where the path finally leads is
 * checked separately, after symlinks are resolved.
 */
export function checkRef(request: SecretRequest, provider: string): void {
  const { ref } = request;
  const refuse = (why: string): never => {
    throw new InvalidSecretError(`secret "${request.id}": ref ${JSON.stringify(ref.slice(0, 200))} ${why}`, {
      secretId: request.id,
      provider,
      hint: 'use the file name of the secret relative to the provider root, for example `db-password` or `team/api-token`',
    });
  };
  if (ref.length === 0) refuse('is empty');
  if (ref.includes('\0')) refuse('contains a NUL byte');
  if (ref.startsWith('/') || /^[A-Za-z]:[\\/]/.test(ref) || ref.startsWith('\\')) refuse('is an absolute path; refs are relative to the provider root');
  for (const segment of ref.split('/')) {
    if (segment.length === 0) refuse('has an empty path segment');
    if (segment === '..' || segment === '.') refuse('contains a "." or ".." segment');
    if (segment.startsWith('.')) refuse('names a hidden entry; names starting with "." are reserved');
  }
}
