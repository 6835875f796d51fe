import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { buildArgs, canary, imageExists, killAll, makeTmpRoot, runCli } from './fixtures/build/cli.js';

const images: string[] = [];
let tmp: Awaited<ReturnType<typeof makeTmpRoot>>;

function tag(name: string): string {
  const image = `bs-e2e-build-${name}:${process.pid}`;
  images.push(image);
  return image;
}

describeE2E('buildsecrets build (CLI, real BuildKit)', () => {
  beforeEach(async () => {
    tmp = await makeTmpRoot();
  });
  afterEach(async () => {
    killAll();
    await tmp.remove();
  });
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  }, 120_000);

  it('delivers a secret-mount secret from an env provider, prints the image id, and leaves nothing in the image or on the host', async () => {
    const secret = canary('cli-ok');
    const sha = createHash('sha256').update(secret.value).digest('hex');
    const image = tag('ok');
    const run = await runCli(buildArgs('ok.Dockerfile', '-t', image, '--build-arg', `EXPECTED_SHA=${sha}`, '--no-cache'), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path });
    expect(run.stderr).not.toContain(secret.value);
    expect(run.stdout).not.toContain(secret.value);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await scanImage(image, { token: secret.value })).toEqual([]);
    expect(await tmp.entries()).toEqual([]);
  }, 120_000);

  it('redacts the secret from the build output when a RUN step prints it', async () => {
    const secret = canary('cli-echo');
    const run = await runCli(buildArgs('echo.Dockerfile', '-t', tag('echo'), '--progress=plain', '--no-cache', '--build-arg', `NONCE=${secret.nonce}`), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path });
    expect(run.code, run.stderr).toBe(0);
    // The step did run and print (its nonce is there), and the value in the same output is masked.
    expect(run.stderr).toContain(secret.nonce);
    expect(run.stderr).toMatch(/\*\*\*/);
    expect(run.stderr).not.toContain(secret.value);
    expect(run.stdout).not.toContain(secret.value);
  }, 120_000);

  it('exits with the build\'s own exit code when a step fails, and removes every temp file', async () => {
    const secret = canary('cli-fail');
    const run = await runCli(buildArgs('fail.Dockerfile', '-t', tag('fail'), '--no-cache'), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('the build failed');
    expect(run.code).toBe(Number(/exited with code (\d+)/.exec(run.stderr)?.[1]));
    expect(await tmp.entries()).toEqual([]);
    expect(run.stderr + run.stdout).not.toContain(secret.value);
  }, 120_000);

  it('fails closed when the provider cannot resolve the secret: exit 1 and no build is started', async () => {
    const image = tag('unresolved');
    const run = await runCli(buildArgs('ok.Dockerfile', '-t', image), { BS_E2E_TOKEN: '', BUILDSECRETS_TMPDIR: tmp.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('token');
    expect(run.stderr).toContain('the build was not started');
    expect(await imageExists(image)).toBe(false);
    expect(await tmp.entries()).toEqual([]);
  }, 120_000);

  it('names a missing engine binary clearly (what to do, no stack trace) and exits 1', async () => {
    const secret = canary('cli-noengine');
    const run = await runCli(buildArgs('ok.Dockerfile', '--docker', '/nonexistent/bin/docker', '-t', tag('noengine')), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"/nonexistent/bin/docker" was not found');
    expect(run.stderr).toContain('--docker');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr + run.stdout).not.toContain(secret.value);
    expect(await tmp.entries()).toEqual([]);
  }, 120_000);

  it('fails with exit 3 when the audit finds the secret in the built image, and leaves the image for inspection', async () => {
    const secret = canary('cli-leak');
    const image = tag('leak');
    const run = await runCli(buildArgs('leak.Dockerfile', '-t', image, '--no-cache'), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain('leak');
    expect(run.stderr).toContain('token');
    expect(await imageExists(image)).toBe(true);
    expect((await scanImage(image, { token: secret.value })).length, 'the independent scan agrees').toBeGreaterThan(0);
    expect(await tmp.entries()).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(secret.value);
  }, 120_000);

  it('--audit=warn reports the leak and succeeds; --no-audit says the audit was skipped', async () => {
    const secret = canary('cli-leak-warn');
    const warned = await runCli(buildArgs('leak.Dockerfile', '-t', tag('leak-warn'), '--no-cache', '--audit=warn'), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/audit: 1 leak found in sha256:[0-9a-f]{64}:\n\s+token \(\w+\)\s+layer sha256:[0-9a-f]{64}\s+\/leaked-token/);
    const skipped = await runCli(buildArgs('leak.Dockerfile', '-t', tag('leak-off'), '--no-cache', '--no-audit'), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain('audit: off');
    expect(warned.stdout + warned.stderr + skipped.stdout + skipped.stderr).not.toContain(secret.value);
  }, 120_000);

  it('--dry-run prints the docker command with placeholders, resolves nothing and builds nothing', async () => {
    const secret = canary('cli-dry');
    const image = tag('dry');
    const run = await runCli(buildArgs('ok.Dockerfile', '--dry-run', '-t', image, '--build-arg', 'EXPECTED_SHA=x'), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('DOCKER_BUILDKIT=1');
    expect(run.stdout).toContain(`build --iidfile '<tmpfs>/iid' --network=host -t ${image} --build-arg EXPECTED_SHA=x`);
    expect(run.stdout).toContain(`--secret 'id=token,src=<tmpfs>/token'`);
    expect(run.stdout + run.stderr).not.toContain(secret.value);
    expect(await imageExists(image)).toBe(false);
    expect(await tmp.entries()).toEqual([]);
  }, 120_000);
});
