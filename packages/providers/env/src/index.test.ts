import { describe, expect, it } from 'vitest';
import { SecretNotFoundError } from '@buildsecrets/core';
import { createTestContext, runProviderConformance } from '@buildsecrets/test-kit';
import envProvider from './index.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('env');
const ENV = {
  FOUND: CANARY,
  EMPTY: '',
  JSON_SECRET: JSON.stringify({ password: CANARY, 'db.host': 'h' }),
  NOT_JSON: `plain ${CANARY}`,
  CI_TOKEN: 'prefixed',
};

describe('@buildsecrets/provider-env', () => {
  runProviderConformance({
    it,
    expect,
    name: 'env provider conformance',
    capabilities: envProvider.capabilities,
    create: () => envProvider.create({}, createTestContext({ instanceName: 'local', env: ENV }).context),
    seed: {
      found: { ref: 'FOUND', value: CANARY },
      missing: { ref: 'UNSET_VARIABLE' },
      empty: { ref: 'EMPTY' },
      json: { ref: 'JSON_SECRET', key: 'password', value: CANARY, missingKey: 'port' },
      invalid: [{ ref: 'NOT_JSON', key: 'password' }],
      canary: CANARY,
    },
  });

  it('names the variable and says how to set it when it is unset', async () => {
    const provider = await envProvider.create({}, createTestContext({ instanceName: 'local', env: {} }).context);
    const [result] = await provider.resolve([{ id: 'npm_token', ref: 'NPM_TOKEN' }], new AbortController().signal);
    expect(result?.ok).toBe(false);
    const error = (result as { error: SecretNotFoundError }).error;
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect(error.message).toBe('[buildsecrets:local] environment variable NPM_TOKEN is not set\n  → export NPM_TOKEN=… before running buildsecrets');
  });

  it('reads ref under the configured prefix and describes it without a value', async () => {
    const provider = await envProvider.create({ prefix: 'CI_' }, createTestContext({ instanceName: 'local', env: ENV }).context);
    const [result] = await provider.resolve([{ id: 't', ref: 'TOKEN' }], new AbortController().signal);
    expect(result?.ok && result.value.revealString()).toBe('prefixed');
    expect(provider.describe?.({ id: 't', ref: 'TOKEN', key: 'k' })).toBe('environment variable CI_TOKEN (JSON key k)');
  });

  it('matches a JSON key containing dots literally', async () => {
    const provider = await envProvider.create({}, createTestContext({ instanceName: 'local', env: ENV }).context);
    const [result] = await provider.resolve([{ id: 'h', ref: 'JSON_SECRET', key: 'db.host' }], new AbortController().signal);
    expect(result?.ok && result.value.revealString()).toBe('h');
  });

  it('refuses unknown options', () => {
    expect(envProvider.optionsSchema.safeParse({ prefx: 'X' }).success).toBe(false);
  });
});
