import { inspect } from 'node:util';
import type { SecretProvider, SecretRequest, SecretResult } from '@buildsecrets/core';
import { createTestContext, startKmsTestServer, startS3TestServer, type KmsTestServer, type S3TestServer } from '@buildsecrets/test-kit';
import { sneakerProvider } from '../provider.js';
import type { SneakerProviderOptions } from '../options.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

/** A distinctive value no message, cause or log may ever contain. */
export const CANARY = makeCanary('sneaker-5d1e8a40-do-not-print');

const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_KMS',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] as const;

/** The S3 and KMS test servers, with the SDK's credential chain pointed at their static keys. */
export interface SneakerBackend {
  readonly s3: S3TestServer;
  readonly kms: KmsTestServer;
  /** Provider options reaching both servers, for `path`. */
  options(path: string, extra?: Partial<SneakerProviderOptions>): SneakerProviderOptions;
  close(): Promise<void>;
}

/** Start both servers and export test credentials (config files and instance metadata switched off). */
export async function startSneakerBackend(region = 'us-east-1'): Promise<SneakerBackend> {
  const [s3, kms] = await Promise.all([startS3TestServer({ region }), startKmsTestServer({ region })]);
  const saved = new Map(AWS_VARS.map((k) => [k, process.env[k]]));
  for (const k of AWS_VARS) delete process.env[k];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_CONFIG_FILE: '/nonexistent/buildsecrets-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/buildsecrets-test/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  return {
    s3,
    kms,
    options: (path, extra = {}) => ({ path, region, endpoints: { s3: s3.endpoint, kms: kms.endpoint }, forcePathStyle: true, ...extra }),
    async close() {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await Promise.all([s3.close(), kms.close()]);
    },
  };
}

/** A provider with its captured logs. */
export async function makeProvider(options: SneakerProviderOptions, context: Parameters<typeof createTestContext>[0] = {}): Promise<{ provider: SecretProvider; logs: string[] }> {
  const test = createTestContext({ instanceName: 'sneaker', ...context });
  return { provider: await sneakerProvider.create(options, test.context), logs: test.logs };
}

/** Resolve with a fresh never-aborting signal, then dispose. */
export async function resolveOnce(options: SneakerProviderOptions, requests: readonly SecretRequest[], context: Parameters<typeof createTestContext>[0] = {}): Promise<{ results: readonly SecretResult[]; logs: string[] }> {
  const { provider, logs } = await makeProvider(options, context);
  try {
    return { results: await provider.resolve(requests, new AbortController().signal), logs };
  } finally {
    await provider.dispose();
  }
}

/** The value of a result as text (fails the test with the error code otherwise). */
export function textOf(result: SecretResult | undefined): string {
  if (!result) throw new Error('no result');
  if (!result.ok) throw new Error(`expected a value, got ${result.error.code}: ${result.error.message}`);
  return result.value.revealString();
}

/** The error code of a failed result. */
export function codeOf(result: SecretResult | undefined): string {
  if (!result) throw new Error('no result');
  return result.ok ? 'OK' : result.error.code;
}

/** Everything an error exposes: message, stack, inspect output and its cause chain. */
export function errorSurface(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String((e as Error).message), String((e as Error).stack), inspect(e, { depth: 4 }), JSON.stringify(e));
  }
  return parts.join('\n');
}
