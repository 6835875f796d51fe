import { expect } from 'vitest';
import type { SecretProvider, SecretRequest, SecretResult } from '@buildsecrets/core';
import { startVaultTestServer, type VaultTestServer, type VaultTestServerOptions } from '@buildsecrets/test-kit';
import vaultProvider from '../index.js';
import type { VaultProviderOptionsInput } from '../options.js';
import { testContext, type TestContext } from './context.js';

/** A running test server plus a way to make providers pointed at it. */
export interface Harness {
  readonly vault: VaultTestServer;
  /** Make a provider against the server (root token unless `auth` says otherwise). */
  provider(options?: Partial<VaultProviderOptionsInput>, env?: Record<string, string | undefined>): Promise<{ provider: SecretProvider; ctx: TestContext }>;
  close(): Promise<void>;
}

/** Start a server and track every provider made, so `close()` disposes them all. */
export async function startHarness(options?: VaultTestServerOptions): Promise<Harness> {
  const vault = await startVaultTestServer(options);
  const made: SecretProvider[] = [];
  return {
    vault,
    async provider(options = {}, env = {}) {
      const ctx = testContext(env);
      const parsed = vaultProvider.optionsSchema.parse({ address: vault.url, auth: { method: 'token', token: vault.rootToken }, ...options });
      const provider = await vaultProvider.create(parsed, ctx.context);
      made.push(provider);
      return { provider, ctx };
    },
    async close() {
      for (const p of made) await p.dispose();
      await vault.close();
    },
  };
}

/** Resolve one request and return its result. */
export async function resolveOne(provider: SecretProvider, request: Omit<SecretRequest, 'id'> & { id?: string }, signal = new AbortController().signal): Promise<SecretResult> {
  const [result] = await provider.resolve([{ id: 'npm_token', ...request }], signal);
  if (!result) throw new Error('no result');
  return result;
}

/** The value of an ok result as a string (fails the test otherwise). */
export function valueOf(result: SecretResult): string {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.code}: ${result.error.message}`);
  return result.value.revealString();
}

/** The error of a failed result (fails the test otherwise). */
export function errorOf(result: SecretResult) {
  if (result.ok) throw new Error('expected an error, got a value');
  return result.error;
}

/** Everything an error shows: message, stack, JSON and the whole cause chain. */
function errorText(error: unknown, depth = 0): string {
  if (depth > 5 || typeof error !== 'object' || error === null) return String(error);
  const e = error as Error & { cause?: unknown; toJSON?: () => unknown };
  return [e.message, e.stack, JSON.stringify(e.toJSON?.() ?? {}), errorText(e.cause, depth + 1)].join('\n');
}

/** Assert no canary (raw or base64) appears in any error of `results` or in the captured logs. */
export function expectNoLeak(canaries: readonly string[], results: readonly SecretResult[], logs: readonly string[]): void {
  const texts = [...results.filter((r) => !r.ok).map((r) => errorText(r.ok ? undefined : r.error)), ...logs];
  for (const canary of canaries) {
    for (const text of texts) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain(Buffer.from(canary).toString('base64'));
    }
  }
}
