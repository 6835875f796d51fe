import { didYouMean } from '../config/did-you-mean.js';
import { parseCsvRecord } from './csv.js';

/** The mount types BuildKit accepts. */
const MOUNT_TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
/** Keys that take no value. */
const BARE_KEYS = new Set(['readonly', 'ro', 'readwrite', 'rw', 'required']);
/** Every key BuildKit's `--mount` parser knows. */
const KNOWN_KEYS = new Set([
  'type', 'from', 'source', 'src', 'target', 'dst', 'destination', 'readonly', 'ro', 'readwrite', 'rw',
  'required', 'sharing', 'id', 'uid', 'gid', 'mode', 'env', 'size',
]);
const GO_BOOL = new Map<string, boolean>([
  ['1', true], ['t', true], ['T', true], ['TRUE', true], ['true', true], ['True', true],
  ['0', false], ['f', false], ['F', false], ['FALSE', false], ['false', false], ['False', false],
]);

/** A parsed `--mount` of a kind the plan cares about, or the reason it is invalid. */
export type ParsedMount =
  | { readonly kind: 'secret'; readonly id: string; readonly target: string | undefined; readonly required: boolean; readonly mode: number | undefined; readonly env: string | undefined }
  | { readonly kind: 'ssh'; readonly id: string; readonly target: string | undefined; readonly required: boolean; readonly mode: number | undefined }
  | { readonly kind: 'other'; readonly type: string }
  | { readonly kind: 'invalid'; readonly code: 'invalid-mount' | 'unknown-mount-type'; readonly message: string };

const invalid = (message: string, code: 'invalid-mount' | 'unknown-mount-type' = 'invalid-mount'): ParsedMount => ({ kind: 'invalid', code, message });

/** `path.Base` for the forward-slash paths a Dockerfile uses. */
function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * Parse one `--mount=` value as BuildKit does: a CSV record of `key=value` fields (`required`,
 * `ro`, `rw` may stand alone), type defaults to `bind`. A secret's id defaults to the basename of
 * its target and its target to `/run/secrets/<id>` (unless it is env-only); an ssh id defaults to
 * `default`. Both are optional unless `required=true`. Keys this parser does not know are
 * reported through `onUnknownKey` and otherwise ignored.
 */
export function parseMount(value: string, onUnknownKey: (key: string) => void = () => undefined): ParsedMount {
  const fields = parseCsvRecord(value);
  if (!Array.isArray(fields)) return invalid(`cannot read --mount options: ${fields.error}`);
  let type = 'bind';
  const seen = new Map<string, string>();
  let required = false;
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    if (val === undefined) {
      if (!BARE_KEYS.has(key)) return invalid(`--mount option "${key}" must be a key=value pair`);
      if (key === 'required') {
        if (type !== 'secret' && type !== 'ssh') return invalid(`--mount option "required" is only for secret and ssh mounts`);
        required = true;
      }
      continue;
    }
    if (!KNOWN_KEYS.has(key)) {
      // Newer or custom frontends (`# syntax=`) add options; skip it rather than lose the mount.
      onUnknownKey(key);
      continue;
    }
    if (key === 'type') {
      type = val.toLowerCase();
      if (!MOUNT_TYPES.has(type)) {
        const hint = didYouMean(type, [...MOUNT_TYPES]);
        return invalid(`unsupported mount type "${val}"${hint} (expected bind, cache, tmpfs, secret or ssh)`, 'unknown-mount-type');
      }
    } else if (key === 'required') {
      const parsed = GO_BOOL.get(val);
      if (parsed === undefined) return invalid(`--mount option "required" must be true or false`);
      if (type !== 'secret' && type !== 'ssh') return invalid(`--mount option "required" is only for secret and ssh mounts`);
      required = parsed;
    } else {
      seen.set(key === 'src' ? 'source' : key === 'dst' || key === 'destination' ? 'target' : key, val);
    }
  }
  const modeText = seen.get('mode');
  let mode: number | undefined;
  if (modeText !== undefined) {
    if (!/^[0-7]{1,11}$/.test(modeText)) return invalid(`--mount option "mode" must be an octal number`);
    mode = parseInt(modeText, 8);
  }
  const target = seen.get('target');
  if (type === 'secret') {
    const explicit = seen.get('source') || seen.get('id');
    if (seen.get('source') && seen.get('id')) return invalid('a secret mount cannot set both source and id');
    if (seen.has('from')) return invalid('a secret mount cannot have "from"');
    const env = seen.get('env');
    if (!explicit && !target) return invalid('a secret mount needs an id or a target');
    const id = explicit || basename(target!);
    return { kind: 'secret', id, target: target || (env ? undefined : `/run/secrets/${basename(id)}`), required, mode, env: env || undefined };
  }
  if (type === 'ssh') {
    if (seen.has('from')) return invalid('an ssh mount cannot have "from"');
    return { kind: 'ssh', id: seen.get('id') || 'default', target: target || undefined, required, mode };
  }
  return { kind: 'other', type };
}
