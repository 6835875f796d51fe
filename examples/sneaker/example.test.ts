import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuildSecrets, type BuildSecrets } from '@buildsecrets/core';
import sneakerProvider from '@buildsecrets/provider-sneaker';
import ssmProvider from '@buildsecrets/provider-ssm';
import { sealSneaker, sealSneakerPack } from '@buildsecrets/test-kit';
import { awsTestCredentialEnv, setProcessEnv, startAwsStoreServers, type AwsStoreServers } from '../../test/support/aws-stores.js';
import { copyExampleForTestServers, describeExampleBuild } from '../../test/support/example-harness.js';
import { makeCanary } from '../../test/setup/canary-values.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const DB = makeCanary('sneaker-example-db');
const SIGNING = makeCanary('sneaker-example-signing');
const NPM = makeCanary('sneaker-example-npm');

let stores: AwsStoreServers;
let dir: string;
let configPath: string;
let restoreEnv: (() => void) | undefined;
const logs: string[] = [];

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
  stores = await startAwsStoreServers();
  const { s3, kms, ssm } = stores;
  dir = await mkdtemp(join(tmpdir(), 'bs-example-sneaker-'));
  sealSneaker({ kms, s3, path: 's3://acme-secrets/ci/', context: { env: 'prod' }, secrets: { 'prod/database.json': JSON.stringify({ user: 'app', password: DB }) } });
  await sealSneakerPack({ kms, context: { stage: 'release' }, files: { 'release/signing.key': SIGNING }, file: join(dir, 'secrets.tar.enc') });
  ssm.putParameter('/ci/npm-token', 'an-older-token');
  ssm.putParameter('/ci/npm-token', NPM, { labels: ['prod'] });
  // The AWS SDK reads credentials from its own chain; here that is the environment, as in CI.
  restoreEnv = setProcessEnv(awsTestCredentialEnv(s3.credentials));
  configPath = await copyExampleForTestServers(here, dir, (providers) => {
    Object.assign(providers['sneaker']!.options!, { endpoints: { s3: s3.endpoint, kms: kms.endpoint }, forcePathStyle: true });
    Object.assign(providers['release-pack']!.options!, { endpoints: { kms: kms.endpoint } });
    Object.assign(providers['params']!.options!, { endpoint: ssm.endpoint });
  });
});

afterAll(async () => {
  restoreEnv?.();
  await Promise.all([stores?.close(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
  const text = logs.join('\n');
  for (const value of [DB, SIGNING, NPM]) expect(text).not.toContain(value);
});

describe('examples/sneaker', () => {
  it('plans three secrets from the Sneaker bucket, the pack and SSM without fetching any', async () => {
    const bs = await open();
    try {
      const plan = await bs.plan();
      expect(plan.secrets.map((s) => s.id).sort()).toEqual(['db_password', 'npm_token', 'signing_key']);
      expect(stores.s3.count('GetObject') + stores.kms.count('Decrypt') + stores.ssm.count()).toBe(0);
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
      expect(stores.ssm.requests.at(-1)).toEqual(['/ci/npm-token:prod']);
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

describeExampleBuild('sneaker', { open, context: () => dir, prints: 'delivered their secrets', values: () => ({ db_password: DB, signing_key: SIGNING, npm_token: NPM }), logs });
