import type { Logger } from '@buildsecrets/core';
import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import type { SsmProviderOptions } from './options.js';
import { withSdkNodeWarningAsDebug } from './quiet-sdk-warnings.js';

/** One parameter of a GetParameters answer. */
export interface SsmParameter {
  readonly Name?: string | undefined;
  readonly ARN?: string | undefined;
  readonly Selector?: string | undefined;
  readonly Value?: string | undefined;
  readonly Version?: number | undefined;
}

/** What one GetParameters call returned. */
export interface SsmAnswer {
  readonly parameters: readonly SsmParameter[];
  readonly invalid: readonly string[];
}

/** The SSM call the provider makes, behind a seam so the logic is testable. */
export interface SsmCalls {
  /** GetParameters with decryption for at most 10 names. */
  getParameters(names: readonly string[], signal: AbortSignal): Promise<SsmAnswer>;
  destroy(): void;
}

/** Load the SSM client (lazily: only runs that use an ssm provider pay for it). */
export async function createSsmCalls(options: SsmProviderOptions, logger: Logger): Promise<SsmCalls> {
  const sdk = await import('@aws-sdk/client-ssm');
  const config: SSMClientConfig = { maxAttempts: options.maxAttempts ?? 1 };
  if (options.region !== undefined) config.region = options.region;
  if (options.profile !== undefined) config.profile = options.profile;
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  const client = withSdkNodeWarningAsDebug(logger, () => new sdk.SSMClient(config));
  return {
    async getParameters(names, signal) {
      const out = await client.send(new sdk.GetParametersCommand({ Names: [...names], WithDecryption: true }), { abortSignal: signal });
      return { parameters: out.Parameters ?? [], invalid: out.InvalidParameters ?? [] };
    },
    destroy() {
      client.destroy();
    },
  };
}
