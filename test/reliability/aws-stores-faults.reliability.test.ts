import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecretsUnresolvedError, type BuildSecretsConfigInput } from '@buildsecrets/core';
import sneakerProvider from '@buildsecrets/provider-sneaker';
import ssmProvider from '@buildsecrets/provider-ssm';
import { sealSneaker, type KmsTestServer, type S3TestServer, type SsmTestServer } from '@buildsecrets/test-kit';
import { CANARIES } from '../setup/canary-values.js';
import { awsTestCredentialEnv, setProcessEnv, startAwsStoreServers, type AwsStoreServers } from '../support/aws-stores.js';
import { startBrokenServer, type BrokenMode } from './support/broken-server.js';
import { resolveOutcome, type ResolveOutcome } from './support/resolve-outcome.js';

// Sneaker (S3 + KMS) and SSM faults through the real orchestrator: each transient fault is retried,
// then becomes a typed error inside the deadline; never a hang, never the value in a message or log.
const SECRET = CANARIES.provider;
const RESOLVE = { concurrency: 4, timeoutMs: 400, deadlineMs: 5_000, retries: 2 };
const PROVIDERS = { sneaker: sneakerProvider, ssm: ssmProvider };

let stores: AwsStoreServers;
let s3: S3TestServer;
let kms: KmsTestServer;
let ssm: SsmTestServer;
let restoreEnv: (() => void) | undefined;

function config(use: 'sneaker' | 'ssm', endpoint?: string): BuildSecretsConfigInput {
  const options = use === 'sneaker'
    ? { path: 's3://faults/ci/', region: s3.region, endpoints: { s3: endpoint ?? s3.endpoint, kms: kms.endpoint }, forcePathStyle: true }
    : { region: ssm.region, endpoint: endpoint ?? ssm.endpoint };
  return { version: 1, providers: { p: { use, options } }, secrets: { tok: { from: 'p', ref: use === 'sneaker' ? 'npm' : '/ci/npm' } }, resolve: RESOLVE };
}

function expectTypedFailure(outcome: ResolveOutcome, code: string): void {
  expect(outcome.error, `expected a failure, it resolved after ${outcome.settledAfterMs} ms`).toBeInstanceOf(SecretsUnresolvedError);
  expect(outcome.codes).toEqual({ tok: code });
  expect((outcome.error as Error).message).toContain('tok (provider p)');
}

beforeAll(async () => {
  stores = await startAwsStoreServers();
  ({ s3, kms, ssm } = stores);
  sealSneaker({ kms, s3, path: 's3://faults/ci/', secrets: { npm: SECRET } });
  ssm.putParameter('/ci/npm', SECRET);
  restoreEnv = setProcessEnv(awsTestCredentialEnv(s3.credentials));
  // Load each provider's SDK once, untimed: a cold import inside the first 400 ms attempt could use
  // up that attempt before its request is sent, and the fault tests count requests per attempt.
  for (const use of ['sneaker', 'ssm'] as const) expect((await resolveOutcome(config(use), PROVIDERS)).values?.get('tok')).toBe(SECRET);
  for (const server of [s3, kms, ssm]) server.resetCounts();
}, 30_000);
afterEach(() => {
  for (const server of [s3, kms, ssm]) {
    server.setLatency(0);
    server.failNext(0, 'throttle');
    server.resetCounts();
  }
});
afterAll(async () => {
  await stores?.close();
  restoreEnv?.();
});

describe.each([
  ['sneaker', () => s3, () => s3.count('GetObject')],
  ['ssm', () => ssm, () => ssm.count()],
] as const)('%s provider faults', (use, server, calls) => {
  it('latency beyond the per-request timeout: retried, then TIMEOUT', async () => {
    server().setLatency(3_000);
    const outcome = await resolveOutcome(config(use), PROVIDERS);
    expectTypedFailure(outcome, 'TIMEOUT');
    // Counted by what happened, not by waiting: the resolver says it made its last attempt, and the
    // server counts a signed request when it arrives (before the latency), so every attempt's
    // request is already counted when the last one has timed out.
    expect(outcome.logs.join('\n')).toContain(`(attempt ${RESOLVE.retries + 1} of ${RESOLVE.retries + 1})`);
    expect(calls()).toBe(RESOLVE.retries + 1);
  });

  for (const failure of ['throttle', 'server-error', 'reset', 'truncate'] as const) {
    it(`${failure} on every call: retried, then PROVIDER_UNAVAILABLE`, async () => {
      server().failNext(1_000, failure);
      const outcome = await resolveOutcome(config(use), PROVIDERS);
      expectTypedFailure(outcome, 'PROVIDER_UNAVAILABLE');
      expect(calls()).toBe(RESOLVE.retries + 1);
    });
  }

  it('two throttled calls are retried away and the value arrives', async () => {
    server().failNext(2, 'throttle');
    const outcome = await resolveOutcome(config(use), PROVIDERS);
    expect(outcome.values?.get('tok')).toBe(SECRET);
  });

  // For S3, broken-server's "truncate" is a complete 17-byte object (its Content-Length matches):
  // that is a foreign object, not a lost reply, and is covered below; the server's `truncate` above cuts mid-body.
  const broken: BrokenMode[] = use === 'ssm' ? ['drop', 'truncate', 'status-500'] : ['drop', 'status-500'];
  for (const mode of broken) {
    it(`an endpoint that answers with ${mode}: retried, then PROVIDER_UNAVAILABLE`, async () => {
      const bad = await startBrokenServer(mode);
      try {
        const outcome = await resolveOutcome(config(use, bad.url), PROVIDERS);
        expectTypedFailure(outcome, 'PROVIDER_UNAVAILABLE');
        expect(bad.connections()).toBe(RESOLVE.retries + 1);
      } finally {
        await bad.close();
      }
    });
  }
});

describe('sneaker: a KMS fault after a good S3 read', () => {
  it('a complete 200 answer that is not a Sneaker envelope: SECRET_INVALID at once, not retried', async () => {
    const bad = await startBrokenServer('truncate');
    try {
      const outcome = await resolveOutcome(config('sneaker', bad.url), PROVIDERS);
      expectTypedFailure(outcome, 'SECRET_INVALID');
      expect(bad.connections()).toBe(1);
    } finally {
      await bad.close();
    }
  });

  it('is retried as a whole (object and data key again) and the value arrives', async () => {
    kms.failNext(2, 'server-error');
    const outcome = await resolveOutcome(config('sneaker'), PROVIDERS);
    expect(outcome.values?.get('tok')).toBe(SECRET);
    expect(s3.count('GetObject')).toBe(3);
    expect(kms.count('Decrypt')).toBe(3);
  });

  it('a KMS that never answers in time: TIMEOUT, not a hang', async () => {
    kms.setLatency(3_000);
    const outcome = await resolveOutcome(config('sneaker'), PROVIDERS);
    expectTypedFailure(outcome, 'TIMEOUT');
  });
});
