import type { SecretRequest, SecretResult } from '@buildsecrets/core';
import { createTestContext, startSsmTestServer, type SsmTestServer } from '@buildsecrets/test-kit';
import { ssmProvider } from '../provider.js';
import type { SsmProviderOptions } from '../options.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

/** A distinctive value no message, cause or log may ever contain. */
export const CANARY = makeCanary('ssm-3b9c0d2e-do-not-print');

const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SSM',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] as const;

/** The SSM test server with the SDK's credential chain pointed at its static keys. */
export async function startSsmBackend(): Promise<{ server: SsmTestServer; options(extra?: Partial<SsmProviderOptions>): SsmProviderOptions; close(): Promise<void> }> {
  const server = await startSsmTestServer({ region: 'eu-central-1' });
  const saved = new Map(AWS_VARS.map((k) => [k, process.env[k]]));
  for (const k of AWS_VARS) delete process.env[k];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_CONFIG_FILE: '/nonexistent/buildsecrets-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/buildsecrets-test/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  return {
    server,
    options: (extra = {}) => ({ region: server.region, endpoint: server.endpoint, ...extra }),
    async close() {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await server.close();
    },
  };
}

/** Make a provider, resolve once with a never-aborting signal, dispose. */
export async function resolveOnce(options: SsmProviderOptions, requests: readonly SecretRequest[]): Promise<{ results: readonly SecretResult[]; logs: string[] }> {
  const test = createTestContext({ instanceName: 'params' });
  const provider = await ssmProvider.create(options, test.context);
  try {
    return { results: await provider.resolve(requests, new AbortController().signal), logs: test.logs };
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

/** The error code of a result, or OK. */
export const codeOf = (result: SecretResult | undefined): string => (!result ? 'NONE' : result.ok ? 'OK' : result.error.code);
