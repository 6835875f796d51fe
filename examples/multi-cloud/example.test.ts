import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuildSecrets, type BuildSecrets } from '@buildsecrets/core';
import awsProvider from '@buildsecrets/provider-aws';
import gcpProvider from '@buildsecrets/provider-gcp';
import envProvider from '@buildsecrets/provider-env';
import {
  startAwsSecretsManagerTestServer,
  startGcpSecretManagerTestServer,
  type AwsSecretsManagerTestServer,
  type GcpSecretManagerTestServer,
} from '@buildsecrets/test-kit';
import { awsTestCredentialEnv, setProcessEnv } from '../../test/support/aws-stores.js';
import { copyExampleForTestServers, describeExampleBuild } from '../../test/support/example-harness.js';
import { makeCanary } from '../../test/setup/canary-values.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const DB = makeCanary('multi-cloud-db');
const API = makeCanary('multi-cloud-api');
const NPM = makeCanary('multi-cloud-npm');

let aws: AwsSecretsManagerTestServer;
let gcp: GcpSecretManagerTestServer;
let dir: string;
let configPath: string;
let restoreEnv: (() => void) | undefined;
const logs: string[] = [];

async function open(extraEnv: Record<string, string> = {}): Promise<BuildSecrets> {
  return createBuildSecrets({
    configPath,
    env: { ...extraEnv, NPM_TOKEN: NPM },
    providers: { aws: awsProvider, gcp: gcpProvider, env: envProvider },
    // Named explicitly, as test/e2e/build-library.test.ts does, so the example does not depend on the defaults.
    log: (line) => void logs.push(line),
    logLevel: 'debug',
  });
}

beforeAll(async () => {
  aws = await startAwsSecretsManagerTestServer({ region: 'eu-west-1' });
  gcp = await startGcpSecretManagerTestServer({ projectId: 'my-gcp-project' });
  aws.putSecret('prod/app/database', JSON.stringify({ username: 'app', password: DB }));
  gcp.addVersion('payments-api-key', API);
  // The AWS SDK reads credentials from its own chain; here that is the environment, as in CI.
  restoreEnv = setProcessEnv(awsTestCredentialEnv(aws.credentials));
  dir = await mkdtemp(join(tmpdir(), 'bs-multi-cloud-'));
  // Only the connection options of the two cloud providers are pointed at the local test servers.
  configPath = await copyExampleForTestServers(here, dir, (providers) => {
    providers['aws-prod']!.options = { region: aws.region, endpoint: aws.endpoint };
    providers['gsm']!.options = { ...gcp.providerOptions, projectId: 'my-gcp-project' };
  });
});

afterAll(async () => {
  restoreEnv?.();
  await Promise.all([aws?.close(), gcp?.close(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
  const text = logs.join('\n');
  for (const value of [DB, API, NPM]) expect(text).not.toContain(value);
});

describe('examples/multi-cloud', () => {
  it('plans three secrets from three providers without fetching any', async () => {
    const bs = await open();
    try {
      const plan = await bs.plan();
      expect(plan.secrets.map((s) => s.id).sort()).toEqual(['api_key', 'db_password', 'npm_token']);
      expect(aws.count('GetSecretValue') + aws.count('BatchGetSecretValue')).toBe(0);
      expect(gcp.count()).toBe(0);
      expect(JSON.stringify(plan)).not.toMatch(new RegExp(`${DB}|${API}|${NPM}`));
    } finally {
      await bs.dispose();
    }
  });

  it('resolves the AWS JSON key, the Google secret and the env var through createBuildSecrets', async () => {
    const bs = await open();
    try {
      const values = await bs.resolve();
      expect(values.get('db_password')?.revealString()).toBe(DB);
      expect(values.get('api_key')?.revealString()).toBe(API);
      expect(values.get('npm_token')?.revealString()).toBe(NPM);
      expect(aws.count('GetSecretValue')).toBe(1);
      expect(gcp.requests).toEqual(['projects/my-gcp-project/secrets/payments-api-key/versions/latest']);
    } finally {
      await bs.dispose();
    }
  });

  it('reports a missing cloud secret by id and provider, failing closed', async () => {
    gcp.setVersionState('payments-api-key', 1, 'DISABLED');
    const bs = await open();
    try {
      const err = await bs.resolve().then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).toContain('api_key');
      expect(err?.message).toContain('gsm');
      expect(err?.message).not.toContain(DB);
    } finally {
      gcp.setVersionState('payments-api-key', 1, 'ENABLED');
      await bs.dispose();
    }
  });
});

describeExampleBuild('multi-cloud', { open, context: () => dir, prints: 'three secrets from three sources', values: () => ({ db_password: DB, api_key: API, npm_token: NPM }), logs });
