import { inspect } from 'node:util';
import type { SecretProvider, SecretResult } from '@buildsecrets/core';
import { createTestContext, type GcpSecretManagerTestServer } from '@buildsecrets/test-kit';
import { gcpProvider } from '../provider.js';
import type { GcpProviderOptions } from '../options.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

/** A distinctive value no message, cause or log may ever contain. */
export const CANARY = makeCanary('gcp');

/** A provider wired to the test server, with its captured logs. */
export async function makeProvider(
  server: GcpSecretManagerTestServer,
  options: Partial<GcpProviderOptions> = {},
  context: Parameters<typeof createTestContext>[0] = {},
): Promise<{ provider: SecretProvider; logs: string[] }> {
  const test = createTestContext({ instanceName: 'gsm', ...context });
  const provider = await gcpProvider.create(gcpProvider.optionsSchema.parse({ ...server.providerOptions, ...options }), test.context);
  return { provider, logs: test.logs };
}

/** Resolve with a fresh never-aborting signal. */
export function resolveAll(provider: SecretProvider, requests: Parameters<SecretProvider['resolve']>[0]): Promise<readonly SecretResult[]> {
  return provider.resolve(requests, new AbortController().signal);
}

/** Fail when a needle (raw or base64) shows up in any error's message, stack, inspect output or causes, or in a log line. */
export function assertNoLeak(haystacks: readonly unknown[], needles: readonly string[]): void {
  const parts: string[] = [];
  for (const h of haystacks) {
    if (typeof h === 'string') parts.push(h);
    else for (let e: unknown = h, d = 0; e && d < 6; e = (e as { cause?: unknown }).cause, d++) parts.push(String((e as Error).message), String((e as Error).stack), inspect(e, { depth: 4 }), JSON.stringify(e));
  }
  const text = parts.join('\n');
  for (const n of needles) for (const form of [n, Buffer.from(n).toString('base64')]) if (text.includes(form)) throw new Error('leak: a protected value appeared in errors or logs');
}
