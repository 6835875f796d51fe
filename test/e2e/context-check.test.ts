import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { E2E_BUILD_ARGS, describeE2E, docker } from './support/engine.js';
import { CONFIG, FIXTURES, canary, imageExists, makeTmpRoot, runCli } from './fixtures/build/cli.js';

const images: string[] = [];
let tmp: Awaited<ReturnType<typeof makeTmpRoot>>;
let context: string;

/** `buildsecrets build` of ok.Dockerfile (mounts secret "token") with `context` as the build context. */
function build(image: string, value: string, config = CONFIG): Promise<{ code: number | null; stdout: string; stderr: string }> {
  images.push(image);
  const sha = createHash('sha256').update(value).digest('hex');
  return runCli(['build', '--config', config, '-f', join(FIXTURES, 'ok.Dockerfile'), ...E2E_BUILD_ARGS, '--no-cache', '-t', image, '--build-arg', `EXPECTED_SHA=${sha}`, context], { BS_E2E_TOKEN: value, BUILDSECRETS_TMPDIR: tmp.path });
}

describeE2E('context check before the build (CLI, real BuildKit)', () => {
  beforeEach(async () => {
    tmp = await makeTmpRoot();
    context = await mkdtemp(join(tmpdir(), 'bs-e2e-ctx-'));
    await writeFile(join(context, 'app.js'), 'console.log("hello")\n');
  });
  afterEach(async () => {
    await tmp.remove();
    await rm(context, { recursive: true, force: true });
  });
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  }, 60_000);

  it('a resolved value in a context file stops the build (exit 3) naming the file and the secret, never the value', async () => {
    const secret = canary('ctx-leak');
    await mkdir(join(context, 'config'));
    await writeFile(join(context, 'config', 'local.json'), `{"token": "${Buffer.from(secret.value).toString('base64')}"}\n`);
    const image = `bs-e2e-ctx-leak:${process.pid}`;
    const run = await build(image, secret.value);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('config/local.json: value of secret "token" (base64)');
    expect(run.stderr).toContain('the build was not started');
    expect(run.stderr + run.stdout).not.toContain(secret.value);
    expect(await imageExists(image)).toBe(false);
    expect(await tmp.entries()).toEqual([]);
  }, 120_000);

  it('the same file excluded by .dockerignore is not sent, so the build goes ahead', async () => {
    const secret = canary('ctx-ignored');
    await mkdir(join(context, 'config'));
    await writeFile(join(context, 'config', 'local.json'), `{"token": "${secret.value}"}\n`);
    await writeFile(join(context, '.dockerignore'), 'config/\n');
    const run = await build(`bs-e2e-ctx-ignored:${process.pid}`, secret.value);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);

  it('a credential file warns by default and stops the build with build.contextCheck: strict', async () => {
    const secret = canary('ctx-cred');
    await writeFile(join(context, '.env'), 'DATABASE_PASSWORD=hunter2-not-a-configured-secret\n');
    const warned = await build(`bs-e2e-ctx-warn:${process.pid}`, secret.value);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/warn.*context check: \.env: environment file/);
    const strictConfig = join(context, '..', `bs-e2e-ctx-strict-${process.pid}.yaml`);
    await writeFile(strictConfig, 'version: 1\nproviders: { local: { use: env } }\nsecrets:\n  token: { from: local, ref: BS_E2E_TOKEN }\nbuild: { contextCheck: strict }\n');
    try {
      const image = `bs-e2e-ctx-strict:${process.pid}`;
      const strict = await build(image, secret.value, strictConfig);
      expect(strict.code).toBe(3);
      expect(strict.stderr).toContain('.env: environment file (.env) would be sent to the engine');
      expect(await imageExists(image)).toBe(false);
    } finally {
      await rm(strictConfig, { force: true });
    }
  }, 180_000);
});
