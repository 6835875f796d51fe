import { inspect } from 'node:util';
import type { SecretProvider, SecretResult } from '@buildsecrets/core';
import { createTestContext, startAwsSecretsManagerTestServer, type AwsSecretsManagerTestServer } from '@buildsecrets/test-kit';
import { awsProvider } from '../provider.js';
import type { AwsProviderOptions } from '../options.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

/** A distinctive value no message, cause or log may ever contain. */
export const CANARY = makeCanary('aws');

const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_MAX_ATTEMPTS', 'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER'] as const;

/**
 * Point the SDK's own credential chain at the test server's static keys, the way a user exports
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, with config files and instance metadata switched off
 * (no test may contact anything but loopback). Returns a function that restores the environment.
 */
export function useAwsTestEnv(server: AwsSecretsManagerTestServer | undefined, extra: Record<string, string> = {}): () => void {
  const saved = new Map(AWS_VARS.map((k) => [k, process.env[k]]));
  for (const k of AWS_VARS) delete process.env[k];
  Object.assign(process.env, {
    AWS_CONFIG_FILE: '/nonexistent/buildsecrets-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/buildsecrets-test/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(server ? { AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey } : {}),
    ...extra,
  });
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** A provider wired to the test server, with its captured logs. */
export async function makeProvider(
  server: AwsSecretsManagerTestServer,
  options: Partial<AwsProviderOptions> = {},
  context: Parameters<typeof createTestContext>[0] = {},
): Promise<{ provider: SecretProvider; logs: string[] }> {
  const test = createTestContext({ instanceName: 'cloud', ...context });
  const provider = await awsProvider.create({ region: server.region, endpoint: server.endpoint, ...options }, test.context);
  return { provider, logs: test.logs };
}

/** Resolve with a fresh never-aborting signal. */
export function resolveAll(provider: SecretProvider, requests: Parameters<SecretProvider['resolve']>[0]): Promise<readonly SecretResult[]> {
  return provider.resolve(requests, new AbortController().signal);
}

/** Everything an error exposes: message, stack, inspect output and its cause chain. */
export function errorSurface(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String((e as Error).message), String((e as Error).stack), inspect(e, { depth: 4 }), JSON.stringify(e));
  }
  return parts.join('\n');
}

/** Fail when any needle (raw or base64) shows up in an error surface or a log line. */
export function assertNoLeak(haystacks: readonly unknown[], needles: readonly string[]): void {
  const text = haystacks.map((h) => (typeof h === 'string' ? h : errorSurface(h))).join('\n');
  for (const n of needles) {
    for (const form of [n, Buffer.from(n).toString('base64')]) {
      if (text.includes(form)) throw new Error(`leak: a protected value appeared in errors or logs`);
    }
  }
}
