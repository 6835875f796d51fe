import { describe, expect, it } from 'vitest';
import { AuthenticationError, ProviderUnavailableError, SecretNotFoundError, SecretsUnresolvedError, AbortedError } from '../errors/index.js';
import { silentLogger } from '../logging/logger.js';
import type { SecretRequest, SecretResult } from '../provider/types.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import { secretConfigSchema, resolveConfigSchema, type SecretConfig } from '../config/schema.js';
import { resolveSecrets } from './resolve-secrets.js';
import type { ProviderHandle, SecretEntry } from './types.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('value');

function entry(id: string, from: string, ref: string, extra: Partial<SecretConfig> = {}): SecretEntry {
  return { id, config: secretConfigSchema.parse({ from, ref, ...extra }) };
}

type Behaviour = (requests: readonly SecretRequest[], signal: AbortSignal, call: number) => Promise<readonly SecretResult[]>;

function fakeProvider(name: string, behaviour: Behaviour, capabilities: ProviderHandle['capabilities'] = {}) {
  const calls: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const handle: ProviderHandle = {
    name,
    capabilities,
    provider: {
      async resolve(requests, signal) {
        calls.push(requests.map((r) => r.ref));
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await behaviour(requests, signal, calls.length);
        } finally {
          inFlight--;
        }
      },
      dispose() {},
    },
  };
  return { handle, calls, maxInFlight: () => maxInFlight };
}

const echo: Behaviour = async (requests) => requests.map((r) => ({ id: r.id, ok: true as const, value: SecretValue.from(`${CANARY}:${r.ref}`) }));
const settings = (over: Partial<ReturnType<typeof resolveConfigSchema.parse>> = {}) => ({ ...resolveConfigSchema.parse({}), ...over });

describe('resolveSecrets', () => {
  it('resolves every entry and registers each value with the redactor as it arrives', async () => {
    const p = fakeProvider('local', echo);
    const redactor = createRedactor();
    const values = await resolveSecrets({ entries: [entry('a', 'local', 'A'), entry('b', 'local', 'B')], provider: async () => p.handle, settings: settings(), redactor, logger: silentLogger });
    expect(values.get('a')?.revealString()).toBe(`${CANARY}:A`);
    expect(redactor.redact(`x ${CANARY}:B y`)).toBe('x *** y');
  });

  it('fetches identical requests once and shares the value between ids', async () => {
    const p = fakeProvider('local', echo);
    const values = await resolveSecrets({ entries: [entry('a', 'local', 'SAME'), entry('b', 'local', 'SAME'), entry('c', 'local', 'SAME', { key: 'k' })], provider: async () => p.handle, settings: settings(), redactor: createRedactor(), logger: silentLogger }).catch((e) => e);
    expect(p.calls.flat()).toEqual(['SAME', 'SAME']);
    expect(values).toBeInstanceOf(Map);
  });

  it('sends whole groups to batch providers, split at maxBatchSize', async () => {
    const p = fakeProvider('aws', echo, { batch: true, maxBatchSize: 20 });
    const entries = Array.from({ length: 45 }, (_, i) => entry(`s${i}`, 'aws', `R${i}`));
    await resolveSecrets({ entries, provider: async () => p.handle, settings: settings(), redactor: createRedactor(), logger: silentLogger });
    expect(p.calls.map((c) => c.length)).toEqual([20, 20, 5]);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    const p = fakeProvider('slow', async (requests) => {
      await new Promise((r) => setTimeout(r, 5));
      return echo(requests, new AbortController().signal, 0);
    });
    const entries = Array.from({ length: 40 }, (_, i) => entry(`s${i}`, 'slow', `R${i}`));
    await resolveSecrets({ entries, provider: async () => p.handle, settings: settings({ concurrency: 4 }), redactor: createRedactor(), logger: silentLogger });
    expect(p.maxInFlight()).toBe(4);
  });

  it('retries retryable failures and then succeeds', async () => {
    const p = fakeProvider('flaky', async (requests, signal, call) =>
      call < 3 ? requests.map((r) => ({ id: r.id, ok: false as const, error: new ProviderUnavailableError('503', { secretId: r.id, provider: 'flaky' }) })) : echo(requests, signal, call),
    );
    const values = await resolveSecrets({ entries: [entry('a', 'flaky', 'A')], provider: async () => p.handle, settings: settings({ retries: 2 }), redactor: createRedactor(), logger: silentLogger });
    expect(p.calls).toHaveLength(3);
    expect(values.get('a')?.revealString()).toBe(`${CANARY}:A`);
  });

  it('does not retry non-retryable failures and fails closed listing every failed id with provider and reason', async () => {
    const p = fakeProvider('vault', async (requests) =>
      requests.map((r) =>
        r.ref === 'GOOD'
          ? { id: r.id, ok: true as const, value: SecretValue.from(CANARY) }
          : r.ref === 'GONE'
            ? { id: r.id, ok: false as const, error: new SecretNotFoundError(`no secret at ${r.ref}`, { secretId: r.id, provider: 'vault' }) }
            : { id: r.id, ok: false as const, error: new AuthenticationError('token rejected', { secretId: r.id, provider: 'vault' }) },
      ),
    );
    const err = await resolveSecrets({ entries: [entry('ok', 'vault', 'GOOD'), entry('gone', 'vault', 'GONE'), entry('denied', 'vault', 'X')], provider: async () => p.handle, settings: settings(), redactor: createRedactor(), logger: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretsUnresolvedError);
    const failure = err as SecretsUnresolvedError;
    expect(failure.failures.map((f) => [f.secretId, f.provider, f.error.code])).toEqual([
      ['gone', 'vault', 'SECRET_NOT_FOUND'],
      ['denied', 'vault', 'AUTHENTICATION_FAILED'],
    ]);
    expect(failure.message).toMatch(/gone \(provider vault\).*no secret at GONE/);
    // One call per request (no batching), and none of the failures was retried.
    expect(p.calls).toHaveLength(3);
    expect(`${failure.message}${failure.stack}`).not.toContain(CANARY);
  });

  it('refuses an empty value unless the secret allows it', async () => {
    const p = fakeProvider('env', async (requests) => requests.map((r) => ({ id: r.id, ok: true as const, value: SecretValue.from('') })));
    const err = await resolveSecrets({ entries: [entry('e', 'env', 'E')], provider: async () => p.handle, settings: settings(), redactor: createRedactor(), logger: silentLogger }).catch((e: unknown) => e);
    expect((err as SecretsUnresolvedError).failures[0]?.error.code).toBe('SECRET_INVALID');
    const ok = await resolveSecrets({ entries: [entry('e', 'env', 'E', { allowEmpty: true })], provider: async () => p.handle, settings: settings(), redactor: createRedactor(), logger: silentLogger });
    expect(ok.get('e')?.length).toBe(0);
  });

  it('times out a provider that ignores its signal, without hanging', async () => {
    const p = fakeProvider('hang', () => new Promise(() => undefined));
    const err = await resolveSecrets({ entries: [entry('h', 'hang', 'H')], provider: async () => p.handle, settings: settings({ timeoutMs: 50, retries: 1 }), redactor: createRedactor(), logger: silentLogger }).catch((e: unknown) => e);
    expect((err as SecretsUnresolvedError).failures[0]?.error.code).toBe('TIMEOUT');
    expect(p.calls).toHaveLength(2);
  });

  it('stops at the overall deadline', async () => {
    const p = fakeProvider('hang', () => new Promise(() => undefined));
    const err = await resolveSecrets({ entries: [entry('h', 'hang', 'H')], provider: async () => p.handle, settings: settings({ timeoutMs: 10_000, deadlineMs: 60, retries: 5 }), redactor: createRedactor(), logger: silentLogger }).catch((e: unknown) => e);
    const failure = (err as SecretsUnresolvedError).failures[0]!;
    expect(failure.error.code).toBe('TIMEOUT');
    expect(failure.error.message).toContain('deadline');
  });

  it('rejects with AbortedError when the caller aborts', async () => {
    const p = fakeProvider('hang', () => new Promise(() => undefined));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const err = await resolveSecrets({ entries: [entry('h', 'hang', 'H')], provider: async () => p.handle, settings: settings(), redactor: createRedactor(), logger: silentLogger, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
  });

  it('reports a provider that breaks the contract instead of trusting it', async () => {
    const p = fakeProvider('broken', async () => []);
    const err = await resolveSecrets({ entries: [entry('b', 'broken', 'B')], provider: async () => p.handle, settings: settings(), redactor: createRedactor(), logger: silentLogger }).catch((e: unknown) => e);
    expect((err as SecretsUnresolvedError).failures[0]?.error.message).toContain('returned 0 results for 1 requests');
  });

  it('turns an untyped throw into a typed error whose message and cause hold no value', async () => {
    const p = fakeProvider('throws', async () => {
      throw new Error(`response body: {"token":"${CANARY}"}`);
    });
    const err = (await resolveSecrets({ entries: [entry('t', 'throws', 'T')], provider: async () => p.handle, settings: settings(), redactor: createRedactor(), logger: silentLogger }).catch((e: unknown) => e)) as SecretsUnresolvedError;
    const inner = err.failures[0]!.error;
    expect(inner.code).toBe('PROVIDER_UNAVAILABLE');
    const cause = inner.cause as Error;
    expect(`${inner.message}${inner.stack}${cause.message}${cause.stack}`).not.toContain(CANARY);
  });
});
