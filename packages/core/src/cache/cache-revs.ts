import { InvalidSecretError } from '../errors/index.js';
import type { Redactor } from '../redaction/types.js';
import type { SecretValue } from '../secret-value.js';
import type { PreparedInjection } from '../strategies/types.js';
import type { CachedSecret } from './cache-mode.js';
import { keyedRev, MIN_CACHE_KEY_BYTES } from './keyed-rev.js';
import { cacheRevArgName } from './rev-arg-name.js';

/** A version id goes into image history verbatim: printable ASCII without spaces, and short. */
const VERSION_ID = /^[\x21-\x7e]{1,256}$/;

/** What {@link prepareCacheRevs} needs from the run. */
export interface CacheRevInput {
  /** The secrets with `cache: version | keyed`. */
  readonly secrets: readonly CachedSecret[];
  /** Every resolved value by id (including the `inject: none` cache key). */
  readonly values: ReadonlyMap<string, SecretValue>;
  /** The providers' version ids by secret id. */
  readonly versionIds: ReadonlyMap<string, string>;
  /** `build.cacheKeyFrom`: the id of the secret keying the HMAC. */
  readonly cacheKeyFrom: string | undefined;
  /** The run's redactor: a version id it would mask carries a secret and is refused. */
  readonly redactor: Redactor;
}

function versionRev(secret: CachedSecret, input: CacheRevInput): string {
  const versionId = input.versionIds.get(secret.id);
  const at = { secretId: secret.id, provider: secret.config.from };
  if (versionId === undefined) {
    throw new InvalidSecretError(`secret "${secret.id}" uses cache: version, but provider "${secret.config.from}" returned no version id for it`, { ...at, hint: 'the backend keeps no versions there (a Vault KV v1 mount, a file without metadata); use cache: keyed for this secret' });
  }
  if (!VERSION_ID.test(versionId)) {
    throw new InvalidSecretError(`provider "${secret.config.from}" returned a version id for "${secret.id}" that cannot be a cache rev (printable ASCII without spaces, at most 256 characters)`, { ...at, hint: 'report this to the provider plugin author, or use cache: keyed' });
  }
  // The rev lands in image history: a version id that holds a resolved or interpolated value (a
  // provider bug, or a ref taken from the environment) must not get there.
  if (input.redactor.redact(versionId) !== versionId) {
    throw new InvalidSecretError(`the version id of secret "${secret.id}" contains a secret value (or a value interpolated from the environment) and would land in image history; the build was not started`, { ...at, hint: 'use cache: keyed for this secret' });
  }
  return `version:${versionId}`;
}

function cacheKey(input: CacheRevInput): SecretValue {
  const id = input.cacheKeyFrom;
  const key = id === undefined ? undefined : input.values.get(id);
  if (id === undefined || key === undefined) {
    throw new InvalidSecretError('cache: keyed needs build.cacheKeyFrom naming a resolved secret (inject: none)', { hint: 'add a secret holding a random key (openssl rand -hex 32) and set build.cacheKeyFrom to its id' });
  }
  if (key.length < MIN_CACHE_KEY_BYTES) {
    throw new InvalidSecretError(`the cache key (secret "${id}") is ${key.length} bytes; at least ${MIN_CACHE_KEY_BYTES} are needed so the HMAC in image history cannot be brute-forced`, { secretId: id, hint: 'store a random key of 32 bytes or more (openssl rand -hex 32)' });
  }
  return key;
}

/**
 * The build-args that carry each cached secret's rev: `--build-arg BUILDSECRETS_REV_<ID>` on the
 * command line (the name only) and the rev in the engine's environment, as the build-arg strategy
 * passes values. A rev is `version:<provider version id>` or `hmac-sha256-128:<hex>`; it is not a
 * secret, so it is not registered with the redactor and `--verbose` shows it. Fails closed (a
 * typed error, before the engine starts) when a rev cannot be made safely.
 */
export function prepareCacheRevs(input: CacheRevInput): PreparedInjection {
  const engineArgs: string[] = [];
  const env: Record<string, string> = {};
  const summary: string[] = [];
  for (const secret of input.secrets) {
    const value = input.values.get(secret.id);
    if (!value) throw new InvalidSecretError(`secret "${secret.id}" was not resolved; no cache rev can be made`, { secretId: secret.id });
    const rev = secret.mode === 'version' ? versionRev(secret, input) : keyedRev(secret.id, value, cacheKey(input));
    const name = cacheRevArgName(secret.id);
    engineArgs.push('--build-arg', name);
    env[name] = rev;
    summary.push(`cache rev: ${secret.id} as ${name}=${rev} (cache: ${secret.mode})`);
  }
  return { engineArgs, env, summary, dispose: async () => undefined };
}
