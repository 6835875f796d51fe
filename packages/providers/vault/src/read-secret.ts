import { VaultFailure } from './failure.js';
import { commonFailure, isInvalidToken, WireError } from './http-failure.js';
import type { MountInfo } from './mounts.js';
import type { VaultHttp } from './vault-http.js';

/** One read: where, which version, and the engine behind it. */
export interface ReadTarget {
  readonly ref: string;
  readonly version: string | undefined;
  readonly mount: MountInfo;
}

interface Kv2Metadata {
  readonly version?: unknown;
  readonly deletion_time?: unknown;
  readonly destroyed?: unknown;
}

function parseVersion(target: ReadTarget): number | undefined {
  if (target.version === undefined) return undefined;
  if (target.mount.engine !== 'kv2') {
    const kind = target.mount.engine === 'kv1' ? 'a KV version 1 mount, which has no versions' : `a ${target.mount.type} engine, which has no versions`;
    throw new VaultFailure('invalid', `version ${target.version} was pinned, but ${target.ref} is on ${kind}`, { hint: 'remove `version` from this secret, or move it to a KV v2 mount' });
  }
  const n = Number(target.version.replace(/^v/i, ''));
  if (!Number.isInteger(n) || n < 1) throw new VaultFailure('invalid', `version "${target.version}" of ${target.ref} is not a positive whole number`, { hint: 'KV v2 versions are 1, 2, 3, …' });
  return n;
}

function kv2Gone(body: unknown, target: ReadTarget, pinned: number | undefined): VaultFailure | undefined {
  const metadata = ((body as { data?: { metadata?: Kv2Metadata } } | undefined)?.data?.metadata ?? undefined) as Kv2Metadata | undefined;
  if (!metadata) return undefined;
  const which = `version ${typeof metadata.version === 'number' ? metadata.version : pinned ?? 'latest'} of ${target.ref}`;
  if (metadata.destroyed === true) return new VaultFailure('not-found', `${which} was destroyed`, { hint: 'pin another `version`, or write the secret again' });
  if (typeof metadata.deletion_time === 'string' && metadata.deletion_time !== '') {
    return new VaultFailure('not-found', `${which} was deleted`, { hint: `undelete it (\`vault kv undelete -versions=N ${target.ref}\`) or pin another \`version\`` });
  }
  return undefined;
}

function readFailure(error: unknown, target: ReadTarget, pinned: number | undefined, address: string): VaultFailure {
  if (!(error instanceof WireError)) return error instanceof VaultFailure ? error : new VaultFailure('unavailable', `reading ${target.ref} failed`, { cause: error, retryable: false });
  const common = commonFailure(error.problem, address, target.ref);
  if (common) return common;
  const status = error.problem.status;
  if (isInvalidToken(error.problem)) return new VaultFailure('auth', `Vault no longer accepts the client token (HTTP 403) while reading ${target.ref}`, { cause: error, hint: 'the token may have expired or been revoked; log in again' });
  if (status === 403) return new VaultFailure('denied', `the token may not read ${target.ref} (HTTP 403)`, { cause: error, hint: 'grant `read` on this path in a Vault policy (see the provider README)' });
  if (status === 404) {
    const gone = target.mount.engine === 'kv2' ? kv2Gone(error.problem.body, target, pinned) : undefined;
    if (gone) return gone;
    const what = pinned !== undefined ? `version ${pinned} of ${target.ref} does not exist` : `no secret at ${target.ref}`;
    const dataHint = target.mount.engine === 'kv2' && target.ref.slice(target.mount.path.length + 1).startsWith('data/') ? '; give KV v2 paths without `/data/` (the provider adds it)' : '';
    return new VaultFailure('not-found', what, { cause: error, hint: `check \`ref\` (mount ${target.mount.path}/)${dataHint}` });
  }
  return new VaultFailure('invalid', `Vault refused to read ${target.ref} (HTTP ${status})`, { cause: error });
}

/** What one read returned: the data, and for KV v2 the version id `<path>@<metadata.version>` (not secret). */
export interface SecretRead {
  readonly data: unknown;
  readonly versionId: string | undefined;
}

/**
 * The version id of a KV v2 read: the path and `metadata.version`. Version numbers count per path,
 * so the path is part of the id (moving `ref` to another path at the same number changes it).
 */
function kv2VersionId(body: Record<string, unknown>, target: ReadTarget): string | undefined {
  const version = ((body['data'] as { metadata?: Kv2Metadata } | null | undefined)?.metadata ?? undefined)?.version;
  return typeof version === 'number' && Number.isInteger(version) && version > 0 ? `${target.ref}@${version}` : undefined;
}

/**
 * Read the data behind a path: KV v2 `.data.data` (from `<mount>/data/<rest>`), KV v1 and any
 * other engine `.data` (a dynamic engine such as `database/creds/<role>` mints credentials).
 */
export async function readSecretData(http: VaultHttp, target: ReadTarget, token: string, signal: AbortSignal, address: string): Promise<unknown> {
  return (await readSecret(http, target, token, signal, address)).data;
}

/** {@link readSecretData} with the KV v2 version id (undefined for KV v1 and other engines, which keep no versions). */
export async function readSecret(http: VaultHttp, target: ReadTarget, token: string, signal: AbortSignal, address: string): Promise<SecretRead> {
  const pinned = parseVersion(target);
  const rest = target.ref.slice(target.mount.path.length + 1);
  if (target.mount.engine !== 'other' && rest.length === 0) throw new VaultFailure('invalid', `${target.ref} names the mount itself, not a secret in it`, { hint: 'add the secret path after the mount, for example secret/ci/npm' });
  const path = target.mount.engine === 'kv2' ? `${target.mount.path}/data/${rest}` : target.ref;
  let body: Record<string, unknown>;
  try {
    body = await http.get(path, { token, signal, ...(pinned !== undefined ? { query: `version=${pinned}` } : {}) });
  } catch (error) {
    throw readFailure(error, target, pinned, address);
  }
  const outer = body['data'];
  const data = target.mount.engine === 'kv2' ? (outer as { data?: unknown } | null | undefined)?.data : outer;
  if (data === undefined || data === null) {
    const gone = target.mount.engine === 'kv2' ? kv2Gone(body, target, pinned) : undefined;
    throw gone ?? new VaultFailure('not-found', `Vault answered ${target.ref} without data`, { hint: 'the path may be a folder; list it with `vault kv list`' });
  }
  return { data, versionId: target.mount.engine === 'kv2' ? kv2VersionId(body, target) : undefined };
}
