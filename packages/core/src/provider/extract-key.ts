import { InvalidSecretError, SecretNotFoundError } from '../errors/index.js';
import { withVerboseDetail } from '../errors/index.js';
import { SecretValue } from '../secret-value.js';

/** Where the value came from, for error messages. */
export interface ExtractKeyContext {
  /** The secret id. */
  readonly secretId: string;
  /** The provider instance name. */
  readonly provider: string;
}

function lookup(data: unknown, key: string): { found: boolean; value?: unknown } {
  if (typeof data !== 'object' || data === null) return { found: false };
  const record = data as Record<string, unknown>;
  // A literal key wins, so `"a.b"` works for stores whose field names contain dots.
  if (Object.prototype.hasOwnProperty.call(record, key)) return { found: true, value: record[key] };
  // Then every split point, so `a.b.c` finds `{ "a.b": { c } }` as well as `{ a: { b: { c } } }`.
  for (let i = key.indexOf('.'); i > 0; i = key.indexOf('.', i + 1)) {
    const head = key.slice(0, i);
    if (!Object.prototype.hasOwnProperty.call(record, head)) continue;
    const inner = lookup(record[head], key.slice(i + 1));
    if (inner.found) return inner;
  }
  return { found: false };
}

/**
 * Pick `key` out of an already-parsed structured secret (Vault KV data, a JSON SecretString).
 * Strings are returned as-is; numbers and booleans as their JSON text; objects as JSON.
 */
export function pickKey(data: unknown, key: string, context: ExtractKeyContext): SecretValue {
  const hit = lookup(data, key);
  if (!hit.found) {
    // The count only: key names describe the secret's content and would land in CI logs. They are
    // kept for --verbose, which shows them and nothing else does.
    const available = typeof data === 'object' && data !== null ? Object.keys(data as object).sort() : [];
    const error = new SecretNotFoundError(
      `secret "${context.secretId}" has no key "${key}" (it has ${available.length} key${available.length === 1 ? '' : 's'}${available.length ? '; --verbose lists them' : ''})`,
      { secretId: context.secretId, provider: context.provider, hint: 'fix `key` in the config, or drop it to get the whole secret as JSON' },
    );
    throw available.length ? withVerboseDetail(error, `keys present: ${available.slice(0, 20).join(', ')}`) : error;
  }
  const v = hit.value;
  if (typeof v === 'string') return SecretValue.from(v);
  if (v === null || v === undefined) {
    throw new InvalidSecretError(`key "${key}" of secret "${context.secretId}" is null`, { secretId: context.secretId, provider: context.provider });
  }
  return SecretValue.from(JSON.stringify(v));
}

/**
 * Parse a JSON secret and pick `key` out of it. The parse error is not passed on as `cause`:
 * JSON parse messages quote the input, which is the secret.
 */
export function extractKey(raw: SecretValue, key: string, context: ExtractKeyContext): SecretValue {
  let data: unknown;
  try {
    data = JSON.parse(raw.revealString());
  } catch {
    throw new InvalidSecretError(`secret "${context.secretId}" is not JSON, so key "${key}" cannot be picked from it`, {
      secretId: context.secretId,
      provider: context.provider,
      hint: 'drop `key` to use the whole value, or store the secret as a JSON object',
    });
  }
  return pickKey(data, key, context);
}
