import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecretsUnresolvedError, type BuildSecretsConfigInput } from '@buildsecrets/core';
import awsProvider from '@buildsecrets/provider-aws';
import gcpProvider from '@buildsecrets/provider-gcp';
import vaultProvider from '@buildsecrets/provider-vault';
import {
  startAwsSecretsManagerTestServer,
  startGcpSecretManagerTestServer,
  startVaultTestServer,
  type AwsSecretsManagerTestServer,
  type GcpSecretManagerTestServer,
  type VaultFault,
  type VaultTestServer,
} from '@buildsecrets/test-kit';
import { CANARIES } from '../setup/canary-values.js';
import { startBrokenServer, type BrokenMode } from './support/broken-server.js';
import { DEADLINE_MARGIN_MS, resolveOutcome, type ResolveOutcome } from './support/resolve-outcome.js';

// Provider faults through the real orchestrator (createBuildSecrets → resolver → provider → wire):
// each fault is retried, then becomes a typed error inside the deadline. Never a hang, never an
// unhandled rejection, never the value in a message or log. Every failure must settle before its
// deadline plus DEADLINE_MARGIN_MS ("inside the deadline"); the hang guard only stops a stuck test.
const SECRET = CANARIES.provider;
const RESOLVE = { concurrency: 4, timeoutMs: 400, deadlineMs: 5_000, retries: 2 };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  // Give stray promises of the finished test a turn to reject before checking.
  await new Promise((r) => setTimeout(r, 20));
  expect(unhandled, 'unhandled rejections').toEqual([]);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

function config(use: string, options: Record<string, unknown>, ref: string, resolve = RESOLVE, key?: string): BuildSecretsConfigInput {
  return { version: 1, providers: { p: { use, options } }, secrets: { tok: { from: 'p', ref, ...(key ? { key } : {}) } }, resolve };
}

/** The promise settled no later than `deadlineMs` (plus the margin for timers and teardown). */
function expectSettledInside(outcome: ResolveOutcome, deadlineMs: number): void {
  expect(outcome.settledAfterMs, `settled ${outcome.settledAfterMs} ms after the start; the deadline is ${deadlineMs} ms`).toBeLessThan(deadlineMs + DEADLINE_MARGIN_MS);
}

function expectTypedFailure(outcome: ResolveOutcome, code: string, deadlineMs: number = RESOLVE.deadlineMs): void {
  expectSettledInside(outcome, deadlineMs);
  expect(outcome.error, `expected a failure, it resolved after ${outcome.settledAfterMs} ms`).toBeInstanceOf(SecretsUnresolvedError);
  expect((outcome.error as SecretsUnresolvedError).code).toBe('SECRETS_UNRESOLVED');
  expect(outcome.codes).toEqual({ tok: code });
  expect((outcome.error as Error).message).toContain('tok (provider p)');
}

describe('Vault test server faults', () => {
  let vault: VaultTestServer;
  const vaultConfig = (resolve = RESOLVE): BuildSecretsConfigInput => config('vault', { address: vault.url, auth: { method: 'token', token: vault.rootToken } }, 'secret/ci/npm', resolve, 'token');
  const reads = (): number => vault.count({ path: 'secret/data/ci/npm' });

  beforeAll(async () => {
    vault = await startVaultTestServer();
    vault.kv2('secret').put('ci/npm', { token: SECRET });
  });
  afterEach(() => {
    vault.clearFaults();
    vault.clearRequests();
  });
  afterAll(async () => {
    await vault.close();
  });

  const persistent: [string, VaultFault, string][] = [
    ['latency beyond the per-request timeout', { kind: 'latency', ms: 3_000 }, 'TIMEOUT'],
    ['HTTP 500', { kind: 'status', status: 500 }, 'PROVIDER_UNAVAILABLE'],
    ['HTTP 502', { kind: 'status', status: 502 }, 'PROVIDER_UNAVAILABLE'],
    ['HTTP 429 (throttled)', { kind: 'status', status: 429 }, 'PROVIDER_UNAVAILABLE'],
    ['HTTP 503 (sealed)', { kind: 'sealed' }, 'PROVIDER_UNAVAILABLE'],
    ['a dropped connection', { kind: 'drop' }, 'PROVIDER_UNAVAILABLE'],
    ['truncated JSON', { kind: 'truncate' }, 'PROVIDER_UNAVAILABLE'],
  ];
  for (const [name, fault, code] of persistent) {
    it(`${name}: retried ${RESOLVE.retries} times, then ${code}`, async () => {
      vault.inject(fault, { path: 'secret/data/' });
      const outcome = await resolveOutcome(vaultConfig(), { vault: vaultProvider });
      expectTypedFailure(outcome, code);
      if (fault.kind === 'latency') {
        // The provider shares one in-flight read per path: a retry after a timeout joins the
        // hanging request instead of piling a new one onto a slow Vault.
        expect(reads()).toBe(1);
      } else {
        expect(reads()).toBe(RESOLVE.retries + 1);
      }
    });
  }

  it('a transient fault (two 503s) is retried away and the value arrives', async () => {
    vault.inject({ kind: 'status', status: 503 }, { path: 'secret/data/', times: 2 });
    const outcome = await resolveOutcome(vaultConfig(), { vault: vaultProvider });
    expect(outcome.values?.get('tok')).toBe(SECRET);
    expect(reads()).toBe(3);
  });

  it('latency beyond the overall deadline → TIMEOUT naming the deadline, and no retry after it', async () => {
    vault.inject({ kind: 'latency', ms: 5_000 }, { path: 'secret/data/' });
    const outcome = await resolveOutcome(vaultConfig({ ...RESOLVE, timeoutMs: 10_000, deadlineMs: 600 }), { vault: vaultProvider });
    expectTypedFailure(outcome, 'TIMEOUT', 600);
    expect((outcome.error as Error).message).toContain('deadline of 600 ms');
    expect(reads()).toBe(1);
  });

  it('cancelling mid-resolve → ABORTED, promptly settled', async () => {
    vault.inject({ kind: 'latency', ms: 5_000 }, { path: 'secret/data/' });
    const outcome = await resolveOutcome(vaultConfig({ ...RESOLVE, timeoutMs: 10_000 }), { vault: vaultProvider }, { signal: AbortSignal.timeout(200) });
    expect((outcome.error as { code?: string }).code).toBe('ABORTED');
    expectSettledInside(outcome, 200);
  });
});

describe('AWS Secrets Manager test server faults', () => {
  let aws: AwsSecretsManagerTestServer;
  const saved = new Map<string, string | undefined>();
  const AWS_ENV = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/bs/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/bs/credentials', AWS_PROFILE: undefined, AWS_REGION: undefined, AWS_ENDPOINT_URL: undefined };
  const awsConfig = (endpoint = aws.endpoint): BuildSecretsConfigInput => config('aws', { region: aws.region, endpoint }, 'ci/npm');
  const calls = (): number => aws.count('GetSecretValue') + aws.count('BatchGetSecretValue');

  beforeAll(async () => {
    aws = await startAwsSecretsManagerTestServer();
    aws.putSecret('ci/npm', SECRET);
    // The SDK reads credentials from process.env (as a user's CI would export them).
    const env: Record<string, string | undefined> = { ...AWS_ENV, AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey };
    for (const [k, v] of Object.entries(env)) {
      saved.set(k, process.env[k]);
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  afterEach(() => {
    aws.setLatency(0);
    aws.failNext(0, 'ThrottlingException');
    aws.resetCounts();
  });
  afterAll(async () => {
    await aws.close();
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('latency beyond the per-request timeout: retried, then TIMEOUT', async () => {
    aws.setLatency(3_000);
    const outcome = await resolveOutcome(awsConfig(), { aws: awsProvider });
    expectTypedFailure(outcome, 'TIMEOUT');
    await expect.poll(calls, { timeout: 5_000 }).toBe(RESOLVE.retries + 1);
  });

  for (const failure of ['ThrottlingException', 'InternalServiceError'] as const) {
    it(`${failure} on every call: retried, then PROVIDER_UNAVAILABLE`, async () => {
      aws.failNext(1_000, failure);
      const outcome = await resolveOutcome(awsConfig(), { aws: awsProvider });
      expectTypedFailure(outcome, 'PROVIDER_UNAVAILABLE');
      expect(calls()).toBe(RESOLVE.retries + 1);
    });
  }

  it('two throttled calls are retried away and the value arrives', async () => {
    aws.failNext(2, 'ThrottlingException');
    const outcome = await resolveOutcome(awsConfig(), { aws: awsProvider });
    expect(outcome.values?.get('tok')).toBe(SECRET);
  });

  // A truncated 200 body is a transient fault (a connection cut mid-answer): retried like a drop.
  const broken: [BrokenMode, string, number][] = [['drop', 'PROVIDER_UNAVAILABLE', RESOLVE.retries + 1], ['truncate', 'PROVIDER_UNAVAILABLE', RESOLVE.retries + 1], ['status-500', 'PROVIDER_UNAVAILABLE', RESOLVE.retries + 1]];
  for (const [mode, code, attempts] of broken) {
    it(`an endpoint that answers with ${mode}: ${attempts > 1 ? 'retried, then ' : ''}${code}`, async () => {
      const server = await startBrokenServer(mode);
      try {
        const outcome = await resolveOutcome(awsConfig(server.url), { aws: awsProvider });
        expectTypedFailure(outcome, code);
        expect(server.connections()).toBe(attempts);
      } finally {
        await server.close();
      }
    });
  }
});

describe('Google Secret Manager test server faults', () => {
  let gcp: GcpSecretManagerTestServer;
  const gcpConfig = (port = gcp.port): BuildSecretsConfigInput => config('gcp', { ...gcp.providerOptions, port }, 'ci-npm');

  beforeAll(async () => {
    gcp = await startGcpSecretManagerTestServer();
    gcp.addVersion('ci-npm', SECRET);
  });
  afterEach(() => {
    gcp.setLatency(0);
    gcp.failNext(0, 'UNAVAILABLE');
    gcp.resetCounts();
  });
  afterAll(async () => {
    await gcp.close();
  });

  it('latency beyond the per-request timeout: retried, then TIMEOUT', async () => {
    gcp.setLatency(3_000);
    const outcome = await resolveOutcome(gcpConfig(), { gcp: gcpProvider });
    expectTypedFailure(outcome, 'TIMEOUT');
    await expect.poll(() => gcp.count(), { timeout: 5_000 }).toBe(RESOLVE.retries + 1);
  });

  for (const status of ['UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'INTERNAL'] as const) {
    it(`${status} on every call: retried, then PROVIDER_UNAVAILABLE`, async () => {
      gcp.failNext(1_000, status);
      const outcome = await resolveOutcome(gcpConfig(), { gcp: gcpProvider });
      expectTypedFailure(outcome, 'PROVIDER_UNAVAILABLE');
      expect(gcp.count()).toBe(RESOLVE.retries + 1);
    });
  }

  it('two UNAVAILABLE answers are retried away and the value arrives', async () => {
    gcp.failNext(2, 'UNAVAILABLE');
    const outcome = await resolveOutcome(gcpConfig(), { gcp: gcpProvider });
    expect(outcome.values?.get('tok')).toBe(SECRET);
  });

  for (const mode of ['drop', 'garbage'] as const) {
    it(`an endpoint that answers with ${mode}: a typed retryable failure, never a hang`, async () => {
      const server = await startBrokenServer(mode);
      try {
        const outcome = await resolveOutcome(gcpConfig(server.port), { gcp: gcpProvider });
        expectTypedFailure(outcome, 'PROVIDER_UNAVAILABLE');
      } finally {
        await server.close();
      }
    });
  }
});
