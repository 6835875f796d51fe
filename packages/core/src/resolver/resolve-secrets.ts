import { AbortedError, InvalidSecretError, ProviderUnavailableError, SecretsUnresolvedError, isBuildSecretsError, type UnresolvedSecret } from '../errors/index.js';
import type { SecretRequest, SecretResult } from '../provider/types.js';
import type { SecretValue } from '../secret-value.js';
import { backoffDelay, sleep } from './backoff.js';
import { callProvider, type CallSignals } from './call-provider.js';
import { createLimiter } from './limiter.js';
import type { ProviderHandle, ResolveInput, SecretEntry } from './types.js';

/** Identical requests (same provider, ref, key, version) are fetched once and shared by every id that asks. */
interface UniqueRequest {
  readonly request: SecretRequest;
  readonly entries: SecretEntry[];
}

function dedupe(entries: readonly SecretEntry[]): UniqueRequest[] {
  const byKey = new Map<string, UniqueRequest>();
  for (const entry of entries) {
    const { ref, key, version } = entry.config;
    const k = JSON.stringify([ref, key ?? null, version ?? null]);
    const found = byKey.get(k);
    if (found) found.entries.push(entry);
    else byKey.set(k, { request: { id: entry.id, ref, ...(key !== undefined ? { key } : {}), ...(version !== undefined ? { version } : {}) }, entries: [entry] });
  }
  return [...byKey.values()];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Resolve every entry: concurrently (bounded), grouped per provider instance so batch APIs can be
 * used, deduplicated, each call under a timeout and all under one deadline, retrying only
 * retryable failures with backoff and jitter. Fails closed: any failure throws one
 * {@link SecretsUnresolvedError} listing every failed id with its provider and reason.
 */
export async function resolveSecrets(input: ResolveInput): Promise<Map<string, SecretValue>> {
  const { settings, redactor, logger } = input;
  const signals: CallSignals = { user: input.signal, deadline: AbortSignal.timeout(settings.deadlineMs), timeoutMs: settings.timeoutMs, deadlineMs: settings.deadlineMs };
  const limit = createLimiter(settings.concurrency);
  const values = new Map<string, SecretValue>();
  const failures = new Map<string, UnresolvedSecret>();

  const settle = (unique: UniqueRequest, provider: string, result: SecretResult): void => {
    for (const entry of unique.entries) {
      if (!result.ok) {
        failures.set(entry.id, { secretId: entry.id, provider, error: result.error });
      } else if (result.value.isEmpty && !entry.config.allowEmpty) {
        const error = new InvalidSecretError(`secret "${entry.id}" is empty`, { secretId: entry.id, provider, hint: 'store a value, or set `allowEmpty: true` on the secret if empty is intended' });
        failures.set(entry.id, { secretId: entry.id, provider, error });
      } else {
        redactor.add(entry.id, result.value);
        values.set(entry.id, result.value);
        if (result.versionId !== undefined) input.versionIds?.set(entry.id, result.versionId);
      }
    }
  };

  const runGroup = async (handle: ProviderHandle, group: UniqueRequest[]): Promise<void> => {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const results = await limit(() => callProvider(handle, pending.map((u) => u.request), signals));
      const again: UniqueRequest[] = [];
      results.forEach((result, i) => {
        const unique = pending[i]!;
        if (!result.ok && result.error.retryable && attempt < settings.retries && !signals.deadline.aborted) again.push(unique);
        else settle(unique, handle.name, result);
      });
      if (again.length === 0) return;
      logger.debug(`retrying ${again.length} request(s) to provider ${handle.name} (attempt ${attempt + 2} of ${settings.retries + 1})`);
      await sleep(backoffDelay(attempt, 100, 2000), AbortSignal.any([signals.deadline, ...(input.signal ? [input.signal] : [])])).catch(() => undefined);
      pending = again;
    }
  };

  const byProvider = new Map<string, SecretEntry[]>();
  for (const entry of input.entries) byProvider.set(entry.config.from, [...(byProvider.get(entry.config.from) ?? []), entry]);

  const wipeAll = (): void => {
    for (const v of values.values()) v.wipe();
  };
  await Promise.all(
    [...byProvider].map(async ([name, entries]) => {
      let handle: ProviderHandle;
      try {
        handle = await input.provider(name);
      } catch (err) {
        const error = isBuildSecretsError(err) ? err : new ProviderUnavailableError('the provider could not be created', { provider: name, cause: err, retryable: false });
        for (const e of entries) failures.set(e.id, { secretId: e.id, provider: name, error });
        return;
      }
      const uniques = dedupe(entries);
      const size = handle.capabilities.batch ? Math.max(1, handle.capabilities.maxBatchSize ?? uniques.length) : 1;
      await Promise.all(chunk(uniques, size).map((group) => runGroup(handle, group)));
    }),
  ).catch((err: unknown) => {
    wipeAll();
    throw err;
  });

  if (input.signal?.aborted) {
    wipeAll();
    throw new AbortedError();
  }
  if (failures.size > 0) {
    wipeAll();
    const ordered = input.entries.map((e) => failures.get(e.id)).filter((f): f is UnresolvedSecret => f !== undefined);
    throw new SecretsUnresolvedError(ordered);
  }
  return values;
}

