import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  AuthenticationError,
  ConfigError,
  InvalidSecretError,
  PermissionDeniedError,
  ProviderUnavailableError,
  TimeoutError,
  type BuildSecretsError,
  type SecretResult,
} from '@buildsecrets/core';
import { startAwsSecretsManagerTestServer, type AwsSecretsManagerTestServer } from '@buildsecrets/test-kit';
import { CANARY, assertNoLeak, makeProvider, resolveAll, useAwsTestEnv } from './__fixtures__/harness.js';

let server: AwsSecretsManagerTestServer;
let restoreEnv: (() => void) | undefined;
const seen: unknown[] = [];

function failureOf(results: readonly SecretResult[]): BuildSecretsError {
  const [r] = results;
  if (!r || r.ok) throw new Error('expected a failure');
  seen.push(r.error);
  expect(r.error.secretId).toBe('sec');
  expect(r.error.provider).toBe('cloud');
  expect(r.error.message.startsWith('[buildsecrets:cloud]')).toBe(true);
  return r.error;
}

async function resolveOne(options = {}, ref = 'err/plain', context = {}) {
  const { provider, logs } = await makeProvider(server, options, context);
  seen.push(...logs);
  return failureOf(await resolveAll(provider, [{ id: 'sec', ref }]));
}

beforeAll(async () => {
  server = await startAwsSecretsManagerTestServer();
  server.putSecret('err/plain', `${CANARY}-plain`);
  server.putSecret('err/denied', `${CANARY}-denied`);
  server.putSecret('err/kms', `${CANARY}-kms`);
  server.putSecret('err/deleted', `${CANARY}-deleted`);
  server.failSecret('err/denied', 'AccessDeniedException');
  server.failSecret('err/kms', 'DecryptionFailure');
  server.failSecret('err/deleted', 'InvalidRequestException');
});

afterEach(() => {
  restoreEnv?.();
  restoreEnv = undefined;
  server.setLatency(0);
  server.failNext(0, 'ThrottlingException');
});

afterAll(async () => {
  await server.close();
  assertNoLeak(seen, [CANARY, server.credentials.secretAccessKey, server.credentials.accessKeyId]);
});

describe('aws provider error mapping', () => {
  it('maps AccessDeniedException to a non-retryable PermissionDeniedError naming the IAM action', async () => {
    restoreEnv = useAwsTestEnv(server);
    const err = await resolveOne({}, 'err/denied');
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('secretsmanager:GetSecretValue');
  });

  it('maps DecryptionFailure to PermissionDeniedError about kms:Decrypt on the KMS key', async () => {
    restoreEnv = useAwsTestEnv(server);
    const err = await resolveOne({}, 'err/kms');
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.message).toMatch(/KMS key/);
    expect(err.message).toContain('kms:Decrypt');
  });

  it('maps InvalidRequestException (e.g. a secret scheduled for deletion) to InvalidSecretError', async () => {
    restoreEnv = useAwsTestEnv(server);
    const err = await resolveOne({}, 'err/deleted');
    expect(err).toBeInstanceOf(InvalidSecretError);
    expect(err.message).toContain('scheduled for deletion');
  });

  it('maps ThrottlingException to a retryable ProviderUnavailableError', async () => {
    restoreEnv = useAwsTestEnv(server);
    server.failNext(1, 'ThrottlingException');
    const err = await resolveOne();
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('throttled');
  });

  it('maps a 500 InternalServiceError to a retryable ProviderUnavailableError', async () => {
    restoreEnv = useAwsTestEnv(server);
    server.failNext(1, 'InternalServiceError');
    const err = await resolveOne();
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.retryable).toBe(true);
  });

  it('leaves retries to buildsecrets by default, and to the SDK when maxAttempts is set', async () => {
    restoreEnv = useAwsTestEnv(server);
    server.failNext(2, 'InternalServiceError');
    const { provider } = await makeProvider(server, { maxAttempts: 3 });
    const [r] = await resolveAll(provider, [{ id: 'sec', ref: 'err/plain' }]);
    expect(r?.ok).toBe(true);
    expect(server.count('GetSecretValue')).toBeGreaterThanOrEqual(3);
  });

  it('maps missing credentials to AuthenticationError saying how to configure them, without contacting anything', async () => {
    restoreEnv = useAwsTestEnv(undefined);
    const err = await resolveOne();
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain('AWS_PROFILE');
    expect(err.message).toContain('aws sso login');
    expect(err.message).toContain('AWS_ACCESS_KEY_ID');
  });

  it('maps credentials the server rejects (bad signature) to AuthenticationError', async () => {
    restoreEnv = useAwsTestEnv(undefined, { AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-right-secret-key' });
    const err = await resolveOne();
    expect(err).toBeInstanceOf(AuthenticationError);
    assertNoLeak([err], ['not-the-right-secret-key']);
  });

  it('uses a named profile from the shared credentials file when `profile` is set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-aws-profile-'));
    try {
      const file = join(dir, 'credentials');
      await writeFile(file, `[ci]\naws_access_key_id = ${server.credentials.accessKeyId}\naws_secret_access_key = ${server.credentials.secretAccessKey}\n`, { mode: 0o600 });
      restoreEnv = useAwsTestEnv(undefined, { AWS_SHARED_CREDENTIALS_FILE: file });
      const { provider } = await makeProvider(server, { profile: 'ci' });
      const [r] = await resolveAll(provider, [{ id: 'sec', ref: 'err/plain' }]);
      expect(r?.ok).toBe(true);
      const missing = await resolveOne({ profile: 'nobody' });
      expect(missing).toBeInstanceOf(AuthenticationError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing region as a config problem that says where to set it', async () => {
    restoreEnv = useAwsTestEnv(server);
    const { provider } = await (async () => {
      const { createTestContext } = await import('@buildsecrets/test-kit');
      const { awsProvider } = await import('./provider.js');
      const test = createTestContext({ instanceName: 'cloud' });
      return { provider: await awsProvider.create({ endpoint: server.endpoint }, test.context) };
    })();
    const err = failureOf(await resolveAll(provider, [{ id: 'sec', ref: 'err/plain' }]));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('providers.cloud.options.region');
    expect(err.message).toContain('AWS_REGION');
  });

  it('fails with TimeoutError when the server answers after the deadline', async () => {
    restoreEnv = useAwsTestEnv(server);
    server.setLatency(2_000);
    const err = await resolveOne({}, 'err/plain', { deadline: Date.now() + 200 });
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.retryable).toBe(true);
  });

  it('fails with AbortedError when the caller aborts mid-flight', async () => {
    restoreEnv = useAwsTestEnv(server);
    server.setLatency(2_000);
    const { provider } = await makeProvider(server);
    const controller = new AbortController();
    const pending = provider.resolve([{ id: 'sec', ref: 'err/plain' }], controller.signal);
    setTimeout(() => controller.abort(), 50);
    const err = failureOf(await pending);
    expect(err).toBeInstanceOf(AbortedError);
  });
});
