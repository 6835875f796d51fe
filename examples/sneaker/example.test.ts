import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuildSecrets, type BuildSecrets } from '@buildsecrets/core';
import sneakerProvider from '@buildsecrets/provider-sneaker';
import ssmProvider from '@buildsecrets/provider-ssm';
import {
  sealSneaker,
  sealSneakerPack,
  startKmsTestServer,
  startS3TestServer,
  startSsmTestServer,
  type KmsTestServer,
  type S3TestServer,
  type SsmTestServer,
} from '@buildsecrets/test-kit';
import { BASE_IMAGE, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from '../../test/e2e/support/engine.js';
import { scanImage } from '../../test/e2e/support/scan-image.js';
import { makeCanary } from '../../test/setup/canary-values.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const DB = makeCanary('sneaker-example-db');
const SIGNING = makeCanary('sneaker-example-signing');
const NPM = makeCanary('sneaker-example-npm');
const AWS_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];

let s3: S3TestServer;
let kms: KmsTestServer;
let ssm: SsmTestServer;
let dir: string;
let configPath: string;
const savedEnv = new Map<string, string | undefined>();
const logs: string[] = [];

/** The example's buildsecrets.yaml with only connection options pointed at the test servers. */
async function configForTestServers(): Promise<string> {
  const config = parse(await readFile(join(here, 'buildsecrets.yaml'), 'utf8')) as { providers: Record<string, { options: Record<string, unknown> }> };
  Object.assign(config.providers['sneaker']!.options, { endpoints: { s3: s3.endpoint, kms: kms.endpoint }, forcePathStyle: true });
  Object.assign(config.providers['release-pack']!.options, { endpoints: { kms: kms.endpoint } });
  Object.assign(config.providers['params']!.options, { endpoint: ssm.endpoint });
  const path = join(dir, 'buildsecrets.yaml');
  await writeFile(path, stringify(config));
  await copyFile(join(here, 'Dockerfile'), join(dir, 'Dockerfile'));
  return path;
}

function open(extraEnv: Record<string, string> = {}): Promise<BuildSecrets> {
  return createBuildSecrets({
    configPath,
    env: extraEnv,
    providers: { sneaker: sneakerProvider, ssm: ssmProvider },
    log: (line) => void logs.push(line),
    logLevel: 'debug',
  });
}

beforeAll(async () => {
  [s3, kms, ssm] = await Promise.all([startS3TestServer(), startKmsTestServer(), startSsmTestServer()]);
  dir = await mkdtemp(join(tmpdir(), 'bs-example-sneaker-'));
  sealSneaker({ kms, s3, path: 's3://acme-secrets/ci/', context: { env: 'prod' }, secrets: { 'prod/database.json': JSON.stringify({ user: 'app', password: DB }) } });
  await sealSneakerPack({ kms, context: { stage: 'release' }, files: { 'release/signing.key': SIGNING }, file: join(dir, 'secrets.tar.enc') });
  ssm.putParameter('/ci/npm-token', 'an-older-token');
  ssm.putParameter('/ci/npm-token', NPM, { labels: ['prod'] });
  for (const k of AWS_ENV) savedEnv.set(k, process.env[k]);
  for (const k of AWS_ENV) delete process.env[k];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_CONFIG_FILE: '/nonexistent/buildsecrets/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/buildsecrets/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  configPath = await configForTestServers();
});

afterAll(async () => {
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await Promise.all([s3?.close(), kms?.close(), ssm?.close(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
  const text = logs.join('\n');
  for (const value of [DB, SIGNING, NPM]) expect(text).not.toContain(value);
});

describe('examples/sneaker', () => {
  it('plans three secrets from the Sneaker bucket, the pack and SSM without fetching any', async () => {
    const bs = await open();
    try {
      const plan = await bs.plan();
      expect(plan.secrets.map((s) => s.id).sort()).toEqual(['db_password', 'npm_token', 'signing_key']);
      expect(s3.count('GetObject') + kms.count('Decrypt') + ssm.count()).toBe(0);
      expect(JSON.stringify(plan)).not.toMatch(new RegExp(`${DB}|${SIGNING}|${NPM}`));
    } finally {
      await bs.dispose();
    }
  });

  it('resolves the JSON key of a Sneaker object, a file of the pack and the labelled SSM parameter', async () => {
    const bs = await open();
    try {
      const values = await bs.resolve();
      expect(values.get('db_password')?.revealString()).toBe(DB);
      expect(values.get('signing_key')?.revealString()).toBe(SIGNING);
      expect(values.get('npm_token')?.revealString()).toBe(NPM);
      expect(ssm.requests.at(-1)).toEqual(['/ci/npm-token:prod']);
    } finally {
      await bs.dispose();
    }
  });

  it('fails closed when the master context does not match what the secret was sealed with', async () => {
    const config = parse(await readFile(configPath, 'utf8')) as { providers: Record<string, { options: Record<string, unknown> }> };
    config.providers['sneaker']!.options['context'] = { env: 'staging' };
    const wrong = join(dir, 'wrong-context.yaml');
    await writeFile(wrong, stringify(config));
    const bs = await createBuildSecrets({ configPath: wrong, providers: { sneaker: sneakerProvider, ssm: ssmProvider }, log: (line) => void logs.push(line) });
    try {
      const err = await bs.resolve().then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).toContain('db_password');
      expect(String(err?.message) + String(err?.stack)).not.toContain(DB);
    } finally {
      await bs.dispose();
    }
  });

  it('offline.mjs runs `buildsecrets check` on the example against its own test servers', async () => {
    const child = spawn(process.execPath, [join(here, 'offline.mjs')], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, out).toBe(0);
    expect(out).toContain('all 3 secrets resolved');
  }, 60_000);
});

describeE2E('examples/sneaker on a real BuildKit', () => {
  const image = `bs-example-sneaker:${process.pid}`;
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
      expect(await docker(['run', '--rm', '--network=none', image])).toContain('delivered their secrets');
      expect(await scanImage(image, { db_password: DB, signing_key: SIGNING, npm_token: NPM })).toEqual([]);
    } finally {
      await bs.dispose();
    }
  }, 180_000);
});
