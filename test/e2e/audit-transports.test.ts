import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { checkImageSource } from '@buildsecrets/audit';
import { auditSource, openImageSource, SecretValue, type AuditReport } from '@buildsecrets/core';
import { describeWithParts } from '../support/system-parts.js';
import { BASE_IMAGE, describeE2E, docker, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV } from './support/engine.js';
import { makeCanary } from '../setup/canary-values.js';
import { allowCanaryOutput } from '../setup/canary.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../packages/cli/bin/buildsecrets.js', import.meta.url));
const TOKEN = makeCanary('transport-token');
const secrets = [{ id: 'api_token', value: SecretValue.from(TOKEN) }];
const suffix = randomBytes(4).toString('hex');

/** Where each finding is, without the (random) digests: the same image must give the same places from every transport. */
const places = (report: AuditReport): string[] =>
  report.findings.map((f) => `${f.platform ?? '-'} ${f.location.kind} ${f.location.kind === 'layer' ? f.location.path : f.location.kind === 'config' ? f.location.field : f.location.field}`).sort();

function expectNoValue(report: AuditReport): void {
  expect(JSON.stringify(report)).not.toContain(TOKEN);
}

describeE2E('audit: every local transport reads the same real image', () => {
  describeWithParts('with podman and buildah', ['podman', 'buildah'], () => {
    const work = mkdtempSync(join(tmpdir(), 'bs-e2e-transports-'));
    const leaky = `buildsecrets-e2e/transport-leaky:${suffix}`;
    const clean = `buildsecrets-e2e/transport-clean:${suffix}`;
    const podmanLeaky = `localhost/bs-e2e-transport-leaky:${suffix}`;
    const podmanClean = `localhost/bs-e2e-transport-clean:${suffix}`;
    let fromDaemon: AuditReport;

    // `docker save` writes the image itself (uncompressed layer tars) to a pipe the audit reads in
    // process; the value is in it because the image holds it. Logs, errors and the CLI's output are still checked.
    beforeEach(() => allowCanaryOutput(/^child .*docker stdout$/, "docker save's stdout is the image, read by the audit in process, never printed"));

    beforeAll(async () => {
      const context = join(work, 'context');
      mkdirSync(context);
      writeFileSync(join(context, 'settings.env'), `API_TOKEN=${TOKEN}\n`);
      writeFileSync(join(context, 'hello.txt'), 'hello\n');
      writeFileSync(join(context, 'Dockerfile.leaky'), `FROM ${BASE_IMAGE}\nCOPY settings.env /app/settings.env\n`);
      writeFileSync(join(context, 'Dockerfile.clean'), `FROM ${BASE_IMAGE}\nCOPY hello.txt /app/hello.txt\n`);
      await docker(['build', ...E2E_BUILD_ARGS, '-q', '-f', join(context, 'Dockerfile.leaky'), '-t', leaky, context]);
      await docker(['build', ...E2E_BUILD_ARGS, '-q', '-f', join(context, 'Dockerfile.clean'), '-t', clean, context]);
      await docker(['save', '-o', join(work, 'leaky.tar'), leaky]);
      await docker(['save', '-o', join(work, 'clean.tar'), clean]);
      // The same images into containers-storage, then out again in every OCI form the tools write.
      for (const [archive, name] of [['leaky.tar', podmanLeaky], ['clean.tar', podmanClean]] as const) {
        const { stdout } = await run('podman', ['load', '-q', '-i', join(work, archive)]);
        const loaded = /Loaded image(?:\(s\))?: (\S+)/.exec(stdout)?.[1] ?? stdout.trim().split(/\s+/).pop()!;
        await run('podman', ['tag', loaded, name]);
      }
      await run('podman', ['save', '--format', 'oci-dir', '-o', join(work, 'oci-dir'), podmanLeaky]);
      await run('podman', ['save', '--format', 'oci-dir', '-o', join(work, 'oci-dir-clean'), podmanClean]);
      await run('podman', ['save', '--format', 'oci-archive', '-o', join(work, 'leaky.oci.tar'), podmanLeaky]);
      await run('buildah', ['push', '-q', podmanLeaky, `oci:${join(work, 'buildah-oci')}:v1`]);
      fromDaemon = await auditSource(await openImageSource(`docker-daemon:${leaky}`, { docker: DOCKER_BIN, env: E2E_ENV }), { secrets });
    }, 300_000);

    afterAll(async () => {
      await run('podman', ['rmi', '-f', podmanLeaky, podmanClean]).catch(() => undefined);
      await docker(['rmi', '-f', leaky, clean]).catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    });

    it('docker-daemon: finds the file the build copied, and never prints the value', () => {
      expect(places(fromDaemon)).toEqual(['- layer app/settings.env']);
      expectNoValue(fromDaemon);
    });

    it.each([
      ['docker-archive: (docker save)', () => `docker-archive:${join(work, 'leaky.tar')}`],
      ['oci: (podman save --format oci-dir)', () => `oci:${join(work, 'oci-dir')}`],
      ['oci-archive: (podman save --format oci-archive)', () => `oci-archive:${join(work, 'leaky.oci.tar')}`],
      ['oci:DIR:TAG (buildah push oci:)', () => `oci:${join(work, 'buildah-oci')}:v1`],
      ['containers-storage: (podman image save, streamed)', () => `containers-storage:${podmanLeaky}`],
    ])('%s finds what the daemon audit finds', async (_, ref) => {
      const report = await auditSource(await openImageSource(ref(), { docker: DOCKER_BIN, env: E2E_ENV }), { secrets });
      expect(places(report)).toEqual(places(fromDaemon));
      expectNoValue(report);
    });

    it.each([
      ['docker-daemon:', () => `docker-daemon:${leaky}`],
      ['docker-archive:', () => `docker-archive:${join(work, 'leaky.tar')}`],
      ['oci:', () => `oci:${join(work, 'oci-dir')}`],
      ['oci-archive:', () => `oci-archive:${join(work, 'leaky.oci.tar')}`],
      ['oci:DIR:TAG', () => `oci:${join(work, 'buildah-oci')}:v1`],
      ['containers-storage:', () => `containers-storage:${podmanLeaky}`],
    ])('%s keeps the ImageSource contract on what the real tools wrote', async (_, ref) => {
      const result = await checkImageSource(() => openImageSource(ref(), { docker: DOCKER_BIN, env: E2E_ENV }));
      expect(result.problems).toEqual([]);
      expect(result.images).toEqual(['- layers=2']);
    });

    it('the clean image is clean from containers-storage', async () => {
      const report = await auditSource(await openImageSource(`containers-storage:${podmanClean}`), { secrets });
      expect(report.clean).toBe(true);
    });

    it('a two-platform index made from real blobs reports the leak for the one platform that has it', async () => {
      // amd64 = the clean image, arm64 = the leaky one: both layouts' blobs in one directory, one index over both.
      const dir = join(work, 'two-platforms');
      cpSync(join(work, 'oci-dir'), dir, { recursive: true });
      cpSync(join(work, 'oci-dir-clean', 'blobs'), join(dir, 'blobs'), { recursive: true });
      const manifestOf = (layout: string): Record<string, unknown> => (JSON.parse(readFileSync(join(work, layout, 'index.json'), 'utf8')) as { manifests: Record<string, unknown>[] }).manifests[0]!;
      const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [
        { ...manifestOf('oci-dir-clean'), platform: { os: 'linux', architecture: 'amd64' } },
        { ...manifestOf('oci-dir'), platform: { os: 'linux', architecture: 'arm64' } },
      ] };
      writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
      expect(readdirSync(join(dir, 'blobs', 'sha256')).length).toBeGreaterThan(3);
      const report = await auditSource(await openImageSource(`oci:${dir}`), { secrets });
      expect(places(report)).toEqual(['linux/arm64 layer app/settings.env']);
      expectNoValue(report);
    });

    it('the CLI audits TRANSPORT:REF (exit 3, platform-free table) and refuses an ambiguous bare word (exit 2)', async () => {
      const env = { ...process.env, ...E2E_ENV, BUILDSECRETS_DOCKER: DOCKER_BIN, API_TOKEN: TOKEN, NO_COLOR: '1' };
      const found = await run(process.execPath, [BIN, 'audit', `oci-archive:${join(work, 'leaky.oci.tar')}`, '--values-from-env', 'API_TOKEN'], { env }).catch((e: { code: number; stdout: string; stderr: string }) => e);
      expect((found as { code?: number }).code).toBe(3);
      expect((found as { stdout: string }).stdout).toContain('/app/settings.env');
      // A file named like the image, in the working directory: which one is meant is not guessed.
      const cwd = join(work, 'ambiguous');
      mkdirSync(cwd);
      cpSync(join(work, 'leaky.tar'), join(cwd, leaky.replace(/[/:]/g, '_')));
      await docker(['tag', leaky, leaky.replace(/[/:]/g, '_')]);
      const refused = await run(process.execPath, [BIN, 'audit', leaky.replace(/[/:]/g, '_'), '--values-from-env', 'API_TOKEN'], { env, cwd }).catch((e: { code: number; stdout: string; stderr: string }) => e);
      await docker(['rmi', leaky.replace(/[/:]/g, '_')]).catch(() => undefined);
      expect((refused as { code?: number }).code).toBe(2);
      expect((refused as { stderr: string }).stderr).toMatch(/ambiguous[\s\S]*docker-daemon:/);
      expect(`${(found as { stdout: string }).stdout}${(found as { stderr: string }).stderr}${(refused as { stderr: string }).stderr}`).not.toContain(TOKEN);
    });
  });
});
