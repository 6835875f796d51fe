import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecretsUnresolvedError, type BuildSecretsConfigInput } from '@buildsecrets/core';
import sneakerProvider from '@buildsecrets/provider-sneaker';
import ssmProvider from '@buildsecrets/provider-ssm';
import {
  sealSneaker,
  startKmsTestServer,
  startS3TestServer,
  startSsmTestServer,
  type KmsTestServer,
  type S3TestServer,
  type SsmTestServer,
} from '@buildsecrets/test-kit';
import { CANARIES } from '../setup/canary-values.js';
import { startBrokenServer, type BrokenMode } from './support/broken-server.js';
import { resolveOutcome, type ResolveOutcome } from './support/resolve-outcome.js';

// Sneaker (S3 + KMS) and SSM faults through the real orchestrator: each transient fault is retried,
// then becomes a typed error inside the deadline; never a hang, never the value in a message or log.
const SECRET = CANARIES.provider;
const RESOLVE = { concurrency: 4, timeoutMs: 400, deadlineMs: 5_000, retries: 2 };
const PROVIDERS = { sneaker: sneakerProvider, ssm: ssmProvider };
const AWS_ENV: Record<string, string | undefined> = {
  AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/bs/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/bs/credentials',
  AWS_PROFILE: undefined, AWS_REGION: undefined, AWS_ENDPOINT_URL: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

let s3: S3TestServer;
let kms: KmsTestServer;
let ssm: SsmTestServer;
const saved = new Map<string, string | undefined>();

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
  [s3, kms, ssm] = await Promise.all([startS3TestServer(), startKmsTestServer(), startSsmTestServer()]);
  sealSneaker({ kms, s3, path: 's3://faults/ci/', secrets: { npm: SECRET } });
  ssm.putParameter('/ci/npm', SECRET);
  const env = { ...AWS_ENV, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey };
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
afterEach(() => {
  for (const server of [s3, kms, ssm]) {
    server.setLatency(0);
    server.failNext(0, 'throttle');
    server.resetCounts();
  }
});
afterAll(async () => {
  await Promise.all([s3.close(), kms.close(), ssm.close()]);
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe.each([
  ['sneaker', () => s3, () => s3.count('GetObject')],
  ['ssm', () => ssm, () => ssm.count()],
] as const)('%s provider faults', (use, server, calls) => {
  it('latency beyond the per-request timeout: retried, then TIMEOUT', async () => {
    server().setLatency(3_000);
    const outcome = await resolveOutcome(config(use), PROVIDERS);
    expectTypedFailure(outcome, 'TIMEOUT');
    await expect.poll(calls, { timeout: 5_000 }).toBe(RESOLVE.retries + 1);
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
