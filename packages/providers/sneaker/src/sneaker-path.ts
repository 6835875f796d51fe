import { posix } from 'node:path';

/** Where Sneaker keeps secrets: a bucket and a key prefix (no leading `/`). */
export interface SneakerLocation {
  readonly bucket: string;
  readonly prefix: string;
}

/**
 * Read `s3://bucket/prefix/` the way Sneaker reads SNEAKER_S3_PATH: the host is the bucket, the
 * path (without its leading `/`) the prefix. Returns `undefined` for anything else.
 */
export function parseSneakerPath(path: string): SneakerLocation | undefined {
  let url: URL;
  try {
    url = new URL(path);
  } catch {
    return undefined;
  }
  if (url.protocol !== 's3:' || !url.host || url.search || url.hash) return undefined;
  return { bucket: url.host, prefix: decodeURIComponent(url.pathname).replace(/^\//, '') };
}

/**
 * Join the prefix and a secret's path into its object key, as Go's `path.Join` (which Sneaker uses):
 * empty parts dropped, `.`/`..` and doubled slashes cleaned, no trailing slash.
 */
export function objectKey(prefix: string, path: string): string {
  const parts = [prefix, path].filter((p) => p !== '');
  if (parts.length === 0) return '';
  const joined = posix.normalize(parts.join('/'));
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** The encryption context Sneaker seals an object under: the master context plus its `Path`. */
export function objectContext(master: Readonly<Record<string, string>>, location: SneakerLocation, key: string): Record<string, string> {
  return { ...master, Path: `s3://${location.bucket}/${key}` };
}

/**
 * Parse Sneaker's context syntax (`SNEAKER_MASTER_CONTEXT`, `--context`): `k1=v1,k2=v2`, each pair
 * split at its first `=`. Returns the offending part when a pair has no `=`.
 */
export function parseContextString(text: string): { ok: true; context: Record<string, string> } | { ok: false; part: string } {
  const context: Record<string, string> = {};
  if (text === '') return { ok: true, context };
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at === -1) return { ok: false, part };
    context[part.slice(0, at)] = part.slice(at + 1);
  }
  return { ok: true, context };
}
