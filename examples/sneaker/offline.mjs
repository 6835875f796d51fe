// Run examples/sneaker with no AWS account: start the S3, KMS and SSM test servers of
// @buildsecrets/test-kit, seal demo secrets in Sneaker's format (an object and a pack file), point
// the example's providers at the servers, and run `buildsecrets check` (or `build` with --build).
// Needs `npm run build` first. Prints which secrets resolved, never their values.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { sealSneaker, sealSneakerPack, startKmsTestServer, startS3TestServer, startSsmTestServer } from '@buildsecrets/test-kit';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const extra = process.argv.slice(2);
const command = extra[0] === '--build' ? ['build', ...extra.slice(1)] : ['check'];

const [s3, kms, ssm] = await Promise.all([startS3TestServer(), startKmsTestServer(), startSsmTestServer()]);
const dir = await mkdtemp(join(tmpdir(), 'bs-example-sneaker-'));
try {
  const demo = (name) => `demo-${name}-${randomBytes(6).toString('hex')}`;
  sealSneaker({ kms, s3, path: 's3://acme-secrets/ci/', context: { env: 'prod' }, secrets: { 'prod/database.json': JSON.stringify({ user: 'app', password: demo('db') }) } });
  await sealSneakerPack({ kms, context: { stage: 'release' }, files: { 'release/signing.key': demo('signing') }, file: join(dir, 'secrets.tar.enc') });
  ssm.putParameter('/ci/npm-token', demo('npm'), { labels: ['prod'] });

  // The example's config as written, with only connection options pointed at the test servers.
  const config = parse(await readFile(join(here, 'buildsecrets.yaml'), 'utf8'));
  Object.assign(config.providers['sneaker'].options, { endpoints: { s3: s3.endpoint, kms: kms.endpoint }, forcePathStyle: true });
  Object.assign(config.providers['release-pack'].options, { endpoints: { kms: kms.endpoint } });
  Object.assign(config.providers['params'].options, { endpoint: ssm.endpoint });
  await writeFile(join(dir, 'buildsecrets.yaml'), stringify(config));
  await copyFile(join(here, 'Dockerfile'), join(dir, 'Dockerfile'));

  const args = command[0] === 'build' ? [...command, dir] : command;
  // Asynchronous on purpose: the test servers answer from this process's event loop.
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: dir,
    stdio: 'inherit',
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  process.exitCode = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
} finally {
  await Promise.all([s3.close(), kms.close(), ssm.close()]);
  await rm(dir, { recursive: true, force: true });
}
