import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
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
import { BASE_IMAGE, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from '../../test/e2e/support/engine.js';
import { scanImage } from '../../test/e2e/support/scan-image.js';
import { makeCanary } from '../../test/setup/canary-values.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const DB = makeCanary('multi-cloud-db');
const API = makeCanary('multi-cloud-api');
const NPM = makeCanary('multi-cloud-npm');
const AWS_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED'];

let aws: AwsSecretsManagerTestServer;
let gcp: GcpSecretManagerTestServer;
let dir: string;
let configPath: string;
const savedEnv = new Map<string, string | undefined>();
const logs: string[] = [];

/**
 * The example's own buildsecrets.yaml, with only the connection options of the two cloud providers
 * pointed at the local test servers; the secrets section is used exactly as written.
 */
async function configForTestServers(): Promise<string> {
  const config = parse(await readFile(join(here, 'buildsecrets.yaml'), 'utf8')) as { providers: Record<string, { use: string; options?: Record<string, unknown> }> };
  config.providers['aws-prod']!.options = { region: aws.region, endpoint: aws.endpoint };
  config.providers['gsm']!.options = { ...gcp.providerOptions, projectId: 'my-gcp-project' };
  const path = join(dir, 'buildsecrets.yaml');
  await writeFile(path, stringify(config));
  await copyFile(join(here, 'Dockerfile'), join(dir, 'Dockerfile'));
  return path;
}

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
  for (const k of AWS_ENV) savedEnv.set(k, process.env[k]);
  for (const k of AWS_ENV) delete process.env[k];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    AWS_CONFIG_FILE: '/nonexistent/buildsecrets/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/buildsecrets/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  dir = await mkdtemp(join(tmpdir(), 'bs-multi-cloud-'));
  configPath = await configForTestServers();
});

afterAll(async () => {
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
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

describeE2E('examples/multi-cloud on a real BuildKit', () => {
  const image = `bs-example-multi-cloud:${process.pid}`;
  afterAll(async () => {
    await docker(['rmi', '-f', image]).catch(() => undefined);
  });

  it('builds the Dockerfile with all three secrets mounted, and the image holds none of them', async () => {
    const bs = await open({ ...(process.env as Record<string, string>), ...E2E_ENV });
    const output = new PassThrough();
    output.on('data', (c: Buffer) => void logs.push(c.toString('utf8')));
    try {
      const result = await bs.build({
        context: dir,
        docker: DOCKER_BIN,
        engineArgs: [...E2E_BUILD_ARGS, '--no-cache', '-t', image, '--build-arg', `BASE=${BASE_IMAGE}`],
        output,
      });
      expect(result.exitCode).toBe(0);
      expect(await docker(['run', '--rm', '--network=none', image])).toContain('three secrets from three sources');
      expect(await scanImage(image, { db_password: DB, api_key: API, npm_token: NPM })).toEqual([]);
    } finally {
      await bs.dispose();
    }
  }, 180_000);
});
