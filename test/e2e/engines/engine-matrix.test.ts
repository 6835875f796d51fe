import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEngine, makeContext, matrixEngines, matrixSecrets, processesMentioning, readImageFiles, runCli } from './matrix-support.js';

const run = promisify(execFile);
const engines = matrixEngines();
const missing = await Promise.all(engines.map((e) => e.available()));

// One small build per engine, through `buildsecrets build`: a file secret mount, an env secret
// mount and a forwarded ssh key; the image records only digests and the key fingerprint.
for (const [index, engine] of engines.entries()) {
  describeEngine(engine, missing[index], () => {
    let ctx: Awaited<ReturnType<typeof makeContext>>;
    let keys = '';
    let secrets: Awaited<ReturnType<typeof matrixSecrets>>;
    const images: string[] = [];
    const tag = (name: string) => {
      const image = `localhost/bs-e2e-matrix-${engine.engine}-${name}:${process.pid}`;
      images.push(image);
      return image;
    };
    const build = (file: string, image: string) =>
      runCli(['build', '--config', join(ctx.path, 'buildsecrets.yaml'), '--engine', engine.engine, '-f', join(ctx.path, file), '--network=host', '--build-arg', `NONCE=${process.pid}-${Date.now()}`, '-t', image, ctx.path], { ...engine.env, ...secrets.env, BUILDSECRETS_TMPDIR: ctx.tmp }, ctx.path);

    beforeAll(async () => {
      ctx = await makeContext();
      keys = await mkdtemp(join(tmpdir(), 'bs-e2e-matrix-keys-'));
      secrets = await matrixSecrets(keys);
    });
    afterAll(async () => {
      const [file, ...args] = engine.removeArgv(images);
      await run(file!, args, { env: { ...process.env, ...engine.env } }).catch(() => undefined);
      await ctx.remove();
      await rm(keys, { recursive: true, force: true });
    }, 60_000);

    it('delivers each secret its configured way; the image holds only digests; the audit passes; nothing is left behind', async () => {
      const image = tag('ok');
      const result = await build('Containerfile', image);
      const everything = result.stdout + result.stderr;
      for (const value of Object.values(secrets.values)) expect(everything).not.toContain(value);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/audit: no secret value found/);
      const imageId = result.stdout.trim();
      expect(imageId).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
      const proof = await readImageFiles(engine.exportArgv(image), engine.env, ['proof-file', 'proof-env', 'proof-ssh']);
      expect(proof).toEqual({ 'proof-file': secrets.expected.file, 'proof-env': secrets.expected.env, 'proof-ssh': secrets.expected.ssh });
      // Teardown: no temp file, no process (engine, agent, server) still naming the run's temp root.
      expect(await readdir(ctx.tmp)).toEqual([]);
      expect(await processesMentioning(ctx.tmp)).toEqual([]);
    }, 300_000);

    it('fails a build that copies a secret into a layer with exit 3, and still cleans up', async () => {
      const result = await build('leak.Containerfile', tag('leak'));
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain('file_secret');
      for (const value of Object.values(secrets.values)) expect(result.stdout + result.stderr).not.toContain(value);
      expect(await readdir(ctx.tmp)).toEqual([]);
      expect(await processesMentioning(ctx.tmp)).toEqual([]);
    }, 300_000);
  });
}
