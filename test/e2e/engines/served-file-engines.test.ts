import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DOCKER_BIN, E2E_DIR } from '../support/engine.js';
import { describeEngine, makeContext, processesMentioning, readImageFiles, remoteDaemon, runCli, type MatrixEngine } from './matrix-support.js';

const run = promisify(execFile);
const LOCAL = `unix://${join(E2E_DIR, 'docker.sock')}`;
const remote = remoteDaemon();

function served(value: string): { env: Record<string, string>; sha: string } {
  return { env: { BS_S_API: value }, sha: createHash('sha256').update(value).digest('hex') };
}

/** A JSON config with one served-file secret, and `build` settings of the test's choosing. */
async function servedConfig(dir: string, build: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, `served-${randomBytes(4).toString('hex')}.json`);
  await writeFile(file, JSON.stringify({ version: 1, providers: { local: { use: 'env' } }, secrets: { api_key: { from: 'local', ref: 'BS_S_API', inject: 'served-file' } }, build }));
  return file;
}

function engineAt(label: string, host: string): MatrixEngine {
  return {
    label,
    engine: 'docker',
    env: { DOCKER_HOST: host, BUILDSECRETS_DOCKER: DOCKER_BIN },
    exportArgv: (image) => [DOCKER_BIN, '-H', host, 'save', image],
    removeArgv: (images) => [DOCKER_BIN, '-H', host, 'rmi', '-f', ...images],
    available: async () => run(DOCKER_BIN, ['-H', host, 'version'], { timeout: 20_000 }).then(() => undefined, (e: Error) => e.message.split('\n')[0]),
  };
}

const classic = engineAt('docker-classic (DOCKER_BUILDKIT=0): served-file is its way in', LOCAL);
const far = engineAt(`remote dockerd over TCP (${remote?.mode ?? 'not started'}): served-file needs a reachable host`, remote?.host ?? 'tcp://127.0.0.1:1');
const loopback = remoteDaemon('remote-loopback');
const near = engineAt('dockerd on a loopback TCP port (the fallback when no network namespace can be made)', loopback?.host ?? 'tcp://127.0.0.1:1');
const [classicMissing, farMissing, nearMissing] = await Promise.all([
  classic.available(),
  remote ? far.available() : Promise.resolve('no remote dockerd (scripts/e2e-services.sh start)'),
  loopback ? near.available() : Promise.resolve('no loopback dockerd (scripts/e2e-services.sh start)'),
]);

function suite(engine: MatrixEngine, body: (h: { ctx: () => Awaited<ReturnType<typeof makeContext>>; tag: (n: string) => string }) => void) {
  let ctx: Awaited<ReturnType<typeof makeContext>>;
  const images: string[] = [];
  beforeAll(async () => {
    ctx = await makeContext();
  });
  afterAll(async () => {
    const [file, ...args] = engine.removeArgv(images);
    if (images.length) await run(file!, args).catch(() => undefined);
    await ctx.remove();
  }, 60_000);
  body({ ctx: () => ctx, tag: (n) => (images.push(`bs-e2e-served-${n}:${process.pid}`), `bs-e2e-served-${n}:${process.pid}`) });
}

describeEngine(classic, classicMissing, () => {
  suite(classic, ({ ctx, tag }) => {
    const build = (config: string, file: string, image: string, env: Record<string, string>) =>
      runCli(['build', '--config', config, '--engine', 'docker-classic', '-f', join(ctx().path, file), '--network=host', '--build-arg', `NONCE=${Date.now()}`, '-t', image, ctx().path], { ...classic.env, BUILDSECRETS_TMPDIR: ctx().tmp, ...env }, ctx().path);

    it('refuses secret-mount and ssh-agent before resolving anything, with a hint towards served-file', async () => {
      // No values in the environment: a resolution attempt would fail with a different message.
      const result = await build(join(ctx().path, 'buildsecrets.yaml'), 'Containerfile', tag('refused'), {});
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('secret file_secret uses inject: secret-mount, but the docker-classic engine has no secret mounts');
      expect(result.stderr).toContain('inject: served-file');
      expect(result.stderr).not.toContain('could not be resolved');
      const sshOnly = join(ctx().path, 'ssh-only.json');
      await writeFile(sshOnly, JSON.stringify({ version: 1, providers: { local: { use: 'env' } }, secrets: { deploy_key: { from: 'local', ref: 'BS_M_KEY', inject: 'ssh-agent' } } }));
      await writeFile(join(ctx().path, 'ssh-only.Dockerfile'), 'FROM buildsecrets-test/ssh:latest\nRUN --mount=type=ssh,id=default,required=true true\n');
      const ssh = await build(sshOnly, 'ssh-only.Dockerfile', tag('refused-ssh'), {});
      expect(ssh.code).toBe(1);
      expect(ssh.stderr).toContain('secret deploy_key uses inject: ssh-agent, but the docker-classic engine has no ssh forwarding');
    }, 120_000);

    it('delivers a served-file secret to a RUN step on a real classic-builder daemon; the image holds only its digest', async () => {
      const secret = served(`canary-classic-${randomBytes(12).toString('hex')}`);
      const image = tag('classic');
      const result = await build(await servedConfig(ctx().path), 'served.Dockerfile', image, secret.env);
      expect(result.stdout + result.stderr).not.toContain(secret.env['BS_S_API']);
      expect(result.code, result.stderr).toBe(0);
      // The classic builder's own output format (BuildKit prints `#1 [internal] …`).
      expect(result.stderr).toMatch(/^Step 1\/\d+ : FROM/m);
      expect(result.stderr).toMatch(/audit: \d+ layers? \(.*\), 0 findings/);
      expect(await readImageFiles(classic.exportArgv(image), {}, ['proof-served'])).toEqual({ 'proof-served': secret.sha });
      expect(await readdir(ctx().tmp)).toEqual([]);
      expect(await processesMentioning(ctx().tmp)).toEqual([]);
    }, 180_000);

    it('fails a classic build that copies the served secret into a layer with exit 3', async () => {
      const secret = served(`canary-classic-leak-${randomBytes(12).toString('hex')}`);
      const result = await build(await servedConfig(ctx().path), 'served-leak.Dockerfile', tag('classic-leak'), secret.env);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stdout + result.stderr).not.toContain(secret.env['BS_S_API']);
    }, 180_000);
  });
});

describeEngine(far, farMissing, () => {
  suite(far, ({ ctx, tag }) => {
    const build = (config: string, image: string, env: Record<string, string>) =>
      runCli(['build', '--config', config, '-f', join(ctx().path, 'served.Dockerfile'), '--network=host', '--build-arg', `NONCE=${Date.now()}`, '-t', image, ctx().path], { ...far.env, BUILDSECRETS_TMPDIR: ctx().tmp, ...env }, ctx().path);

    if (remote?.mode === 'loopback') {
      it('(fallback: no network namespace here, the second daemon is on a loopback TCP port, so it counts as local)', async () => {
        process.stderr.write('[e2e] remote dockerd fallback: loopback TCP port instead of a network namespace\n');
        const secret = served(`canary-loopback-${randomBytes(12).toString('hex')}`);
        const result = await build(await servedConfig(ctx().path), tag('loopback'), secret.env);
        expect(result.code, result.stderr).toBe(0);
      }, 180_000);
      return;
    }

    it('refuses served-file with a daemon on another host when build.servedFile.host is not set, before resolving', async () => {
      const result = await build(await servedConfig(ctx().path), tag('refused'), {});
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('secret api_key uses inject: served-file, but the docker-buildkit daemon is on another machine');
      expect(result.stderr).toContain('build.servedFile.host');
      expect(result.stderr).not.toContain('could not be resolved');
    }, 120_000);

    it('still refuses a loopback host even with allowRemote', async () => {
      const result = await build(await servedConfig(ctx().path, { servedFile: { host: '127.0.0.1', allowRemote: true } }), tag('refused-lo'), {});
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('on another machine');
    }, 120_000);

    it('serves the secret on the namespace-facing address with host + allowRemote, and the build reads it', async () => {
      const secret = served(`canary-remote-${randomBytes(12).toString('hex')}`);
      const image = tag('remote');
      const config = await servedConfig(ctx().path, { servedFile: { host: remote!.servedFileHost, allowRemote: true } });
      const result = await build(config, image, secret.env);
      expect(result.stdout + result.stderr).not.toContain(secret.env['BS_S_API']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/audit: \d+ layers? \(.*\), 0 findings/);
      expect(await readImageFiles(far.exportArgv(image), {}, ['proof-served'])).toEqual({ 'proof-served': secret.sha });
      expect(await readdir(ctx().tmp)).toEqual([]);
    }, 180_000);
  });
});

// The remote daemon's fallback shape, run on every machine (scripts/e2e-services.sh starts it
// whether or not namespaces work): a daemon on a loopback TCP port counts as local, so served-file
// works on the default loopback host, as README "Remote engines" says.
describeEngine(near, nearMissing, () => {
  suite(near, ({ ctx, tag }) => {
    it('builds over TCP on loopback: served-file on the default host works (the daemon counts as local), the image holds only the digest', async () => {
      const secret = served(`canary-loopback-${randomBytes(12).toString('hex')}`);
      const image = tag('loopback-tcp');
      const result = await runCli(['build', '--config', await servedConfig(ctx().path), '-f', join(ctx().path, 'served.Dockerfile'), '--network=host', '--build-arg', `NONCE=${Date.now()}`, '-t', image, ctx().path], { ...near.env, BUILDSECRETS_TMPDIR: ctx().tmp, ...secret.env }, ctx().path);
      expect(result.stdout + result.stderr).not.toContain(secret.env['BS_S_API']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/audit: \d+ layers? \(.*\), 0 findings/);
      expect(await readImageFiles(near.exportArgv(image), {}, ['proof-served'])).toEqual({ 'proof-served': secret.sha });
      expect(await readdir(ctx().tmp)).toEqual([]);
    }, 180_000);
  });
});
