// `buildsecrets build` with the sneaker and ssm providers, loaded by the CLI as built-ins from the
// workspace, against the test-kit S3, KMS and SSM servers: the values reach the RUN step byte for
// byte (checked by digest inside the build) and nothing of them reaches the image or the output.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sealSneaker, sealSneakerPack } from '@buildsecrets/test-kit';
import { BASE_IMAGE, E2E_BUILD_ARGS, describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { killAll, runCli } from './fixtures/build/cli.js';
import { awsTestCredentialEnv, startAwsStoreServers, type AwsStoreServers } from '../support/aws-stores.js';
import { makeCanary } from '../setup/canary-values.js';

const DB = makeCanary('stores-db');
const PACKED = makeCanary('stores-pack');
const NPM = makeCanary('stores-npm');
const sha = (v: string): string => createHash('sha256').update(v).digest('hex');

const DOCKERFILE = `FROM ${BASE_IMAGE}
ARG EXPECTED_DB
ARG EXPECTED_PACK
ARG EXPECTED_NPM
RUN --mount=type=secret,id=db_password,required=true --mount=type=secret,id=pack_token,required=true --mount=type=secret,id=npm_token,required=true \\
    echo "$EXPECTED_DB  /run/secrets/db_password" | sha256sum -c -s \\
    && echo "$EXPECTED_PACK  /run/secrets/pack_token" | sha256sum -c -s \\
    && echo "$EXPECTED_NPM  /run/secrets/npm_token" | sha256sum -c -s \\
    && echo delivered > /delivered
`;

let stores: AwsStoreServers;
let dir: string;
const images: string[] = [];

describeE2E('buildsecrets build with the sneaker and ssm providers (CLI, real BuildKit)', () => {
  beforeAll(async () => {
    stores = await startAwsStoreServers();
    const { s3, kms, ssm } = stores;
    dir = await mkdtemp(join(tmpdir(), 'bs-e2e-stores-'));
    sealSneaker({ kms, s3, path: 's3://e2e-secrets/ci/', context: { env: 'e2e' }, secrets: { 'prod/db': JSON.stringify({ user: 'app', password: DB }) } });
    await sealSneakerPack({ kms, context: { pack: 'e2e' }, files: { 'deploy/token': PACKED }, file: join(dir, 'secrets.tar.enc') });
    ssm.putParameter('/ci/npm-token', 'old-value');
    ssm.putParameter('/ci/npm-token', NPM, { labels: ['prod'] });
    ssm.putParameter('/ci/npm-token', 'newer-value-not-labelled');
    const config = {
      version: 1,
      providers: {
        sneaker: { use: 'sneaker', options: { path: 's3://e2e-secrets/ci/', region: s3.region, context: { env: 'e2e' }, endpoints: { s3: s3.endpoint, kms: kms.endpoint }, forcePathStyle: true } },
        pack: { use: 'sneaker', options: { pack: './secrets.tar.enc', context: { pack: 'e2e' }, region: kms.region, endpoints: { kms: kms.endpoint } } },
        params: { use: 'ssm', options: { region: ssm.region, endpoint: ssm.endpoint } },
      },
      secrets: {
        db_password: { from: 'sneaker', ref: 'prod/db', key: 'password' },
        pack_token: { from: 'pack', ref: 'deploy/token' },
        npm_token: { from: 'params', ref: '/ci/npm-token', version: 'prod' },
      },
    };
    await writeFile(join(dir, 'buildsecrets.yaml'), stringify(config));
    await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
  });

  afterAll(async () => {
    killAll();
    await Promise.all([stores?.close(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  }, 120_000);

  const build = (image: string) =>
    runCli(
      ['build', '--config', join(dir, 'buildsecrets.yaml'), '-f', join(dir, 'Dockerfile'), ...E2E_BUILD_ARGS, '--no-cache', '-t', image,
        '--build-arg', `EXPECTED_DB=${sha(DB)}`, '--build-arg', `EXPECTED_PACK=${sha(PACKED)}`, '--build-arg', `EXPECTED_NPM=${sha(NPM)}`, dir],
      awsTestCredentialEnv(stores.s3.credentials),
    );

  it('delivers a Sneaker object key, a Sneaker pack file and a labelled SSM parameter exactly, and the image holds none of them', async () => {
    const { s3, kms, ssm } = stores;
    const image = `bs-e2e-stores:${process.pid}`;
    images.push(image);
    const run = await build(image);
    for (const value of [DB, PACKED, NPM]) expect(run.stdout + run.stderr).not.toContain(value);
    expect(run.code, run.stderr).toBe(0);
    expect(await docker(['run', '--rm', '--network=none', image, 'cat', '/delivered'])).toContain('delivered');
    expect(await scanImage(image, { db_password: DB, pack_token: PACKED, npm_token: NPM })).toEqual([]);
    // One GetObject + one Decrypt for the object, one Decrypt for the pack, one GetParameters call.
    expect(s3.count('GetObject')).toBe(1);
    expect(kms.count('Decrypt')).toBe(2);
    expect(ssm.count()).toBe(1);
  }, 180_000);

  it('fails closed, before building, when KMS denies the data key: non-zero exit naming the secret and the key', async () => {
    const { kms } = stores;
    kms.denyKey(kms.defaultKey.keyId);
    try {
      const run = await build(`bs-e2e-stores-denied:${process.pid}`);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('db_password');
      expect(run.stderr).toContain(kms.defaultKey.arn);
      for (const value of [DB, PACKED, NPM]) expect(run.stdout + run.stderr).not.toContain(value);
    } finally {
      kms.denyKey(kms.defaultKey.keyId, false);
    }
  }, 120_000);
});
