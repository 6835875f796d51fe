import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AbortedError, EngineError, createBuildSecrets, type BuildSecrets } from '@buildsecrets/core';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { CONFIG, FIXTURES, canary, makeTmpRoot, processesWithEnv } from './fixtures/build/cli.js';

const images: string[] = [];
let tmp: Awaited<ReturnType<typeof makeTmpRoot>>;
let bs: BuildSecrets | undefined;
let logs: string[];
let output: { stream: PassThrough; text: string };

async function open(token: string): Promise<BuildSecrets> {
  bs = await createBuildSecrets({
    configPath: CONFIG,
    cwd: FIXTURES,
    env: { ...process.env, ...E2E_ENV, BS_E2E_TOKEN: token, BUILDSECRETS_TMPDIR: tmp.path },
    log: (line) => logs.push(line),
  });
  return bs;
}

describeE2E('runBuild through the library (real BuildKit)', () => {
  beforeEach(async () => {
    tmp = await makeTmpRoot();
    logs = [];
    const stream = new PassThrough();
    output = { stream, text: '' };
    stream.on('data', (c: Buffer) => (output.text += c.toString('utf8')));
  });
  afterEach(async () => {
    await bs?.dispose();
    bs = undefined;
    await tmp.remove();
  });
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  });

  it('builds with the secret mounted and returns the image id; the image holds no trace of it', async () => {
    const secret = canary('lib-ok');
    const image = `bs-e2e-build-lib-ok:${process.pid}`;
    images.push(image);
    const sha = createHash('sha256').update(secret.value).digest('hex');
    const instance = await open(secret.value);
    const result = await instance.build({
      context: FIXTURES, dockerfile: join(FIXTURES, 'ok.Dockerfile'), docker: DOCKER_BIN, output: output.stream,
      engineArgs: [...E2E_BUILD_ARGS, '--no-cache', '-t', image, '--build-arg', `EXPECTED_SHA=${sha}`],
    });
    expect(result.exitCode).toBe(0);
    expect(result.imageId).toMatch(/^sha256:/);
    expect(result.command.join(' ')).toContain('--secret id=token,src=');
    expect(await scanImage(image, { token: secret.value })).toEqual([]);
    expect(await tmp.entries()).toEqual([]);
    expect([output.text, ...logs, result.command.join(' ')].join('\n')).not.toContain(secret.value);
  }, 120_000);

  it('rejects with an EngineError carrying the step\'s exit code and removes the secret files', async () => {
    const secret = canary('lib-fail');
    const instance = await open(secret.value);
    const err = await instance
      .build({ context: FIXTURES, dockerfile: join(FIXTURES, 'fail.Dockerfile'), docker: DOCKER_BIN, output: output.stream, engineArgs: [...E2E_BUILD_ARGS, '--no-cache'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).exitCode).toBeGreaterThan(0);
    expect(await tmp.entries()).toEqual([]);
    expect([output.text, ...logs, (err as Error).message, String((err as Error).stack)].join('\n')).not.toContain(secret.value);
  }, 120_000);

  it('stops a running build when the caller aborts, tears everything down, and leaves no step running', async () => {
    const secret = canary('lib-abort');
    const instance = await open(secret.value);
    const controller = new AbortController();
    const building = instance.build({
      context: FIXTURES, dockerfile: join(FIXTURES, 'slow.Dockerfile'), docker: DOCKER_BIN, output: output.stream, signal: controller.signal,
      engineArgs: [...E2E_BUILD_ARGS, '--no-cache', '--progress=plain', '--build-arg', `NONCE=${secret.nonce}`],
    });
    let settled = false;
    building.then(() => (settled = true), () => (settled = true));
    await expect.poll(() => settled || output.text.includes(`step-started ${secret.nonce}`), { timeout: 60_000, interval: 200 }).toBe(true);
    expect(settled, 'the build was still running when aborted').toBe(false);
    await expect.poll(async () => (await processesWithEnv(`NONCE=${secret.nonce}`)).length, { timeout: 10_000, interval: 100, message: 'the RUN step is visible on the host' }).toBeGreaterThan(0);
    expect((await tmp.entries()).length).toBeGreaterThan(0);
    controller.abort();
    await expect(building).rejects.toBeInstanceOf(AbortedError);
    expect(await tmp.entries()).toEqual([]);
    await expect.poll(() => processesWithEnv(`NONCE=${secret.nonce}`), { timeout: 20_000, interval: 250 }).toEqual([]);
    expect([output.text, ...logs].join('\n')).not.toContain(secret.value);
  }, 120_000);
});
