// `audit docker://…` against a real registry (Debian's docker-registry, the CNCF distribution
// server) with htpasswd auth and a self-signed TLS certificate made here: the same findings as the
// daemon audit of the same image, every platform of an index, and auth failures — through the CLI.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditRegistryImage, SecretValue, type LeakFinding } from '@buildsecrets/core';
import { tar } from '../../packages/audit/src/__fixtures__/tar-builder.js';
import { LOCAL_REGISTRY_PARTS, startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';
import { dockerPush, putManifest, registryRequest, sha256Digest, uploadOciImage } from '../support/registry-push.js';
import { describeWithParts } from '../support/system-parts.js';
import { runCli } from './fixtures/build/cli.js';
import { describeE2E, docker, E2E_BUILD_ARGS, E2E_ENV, DOCKER_BIN } from './support/engine.js';

const fixtures = fileURLToPath(new URL('./fixtures/audit/', import.meta.url));
const rand = (label: string): string => `${label}-${randomBytes(12).toString('hex')}`;
const values = { ENV_SECRET: rand('env'), ARG_SECRET: rand('arg'), FILE_SECRET: rand('file'), BLOB_SECRET: rand('blob') };

describeWithParts('audit docker:// against a real registry (TLS + htpasswd)', LOCAL_REGISTRY_PARTS, () => {
  let registry: LocalRegistry;
  const work = mkdtempSync(join(tmpdir(), 'bs-e2e-audit-registry-'));
  const certDir = join(work, 'certs');
  const goodConfig = join(work, 'docker-good');
  const badConfig = join(work, 'docker-bad');
  const emptyConfig = join(work, 'docker-empty');

  beforeAll(async () => {
    registry = await startLocalRegistry({ auth: true, tls: true });
    mkdirSync(certDir);
    writeFileSync(join(certDir, 'ca.crt'), registry.caPem!);
    const auth = (password: string): string => JSON.stringify({ auths: { [registry.address]: { auth: Buffer.from(`${registry.username}:${password}`).toString('base64') } } });
    for (const [dir, content] of [[goodConfig, auth(registry.password!)], [badConfig, auth(`${registry.password}-wrong`)], [emptyConfig, '{}']] as const) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'config.json'), content);
    }
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** With --json, a failure is printed on stdout as { ok: false, error }. */
  const errorOf = (run: { stdout: string }): { code: string; message: string } => (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;

  const cli = (args: string[], dockerConfig: string) =>
    runCli(['audit', ...args, '--json', '--values-from-env', ...Object.keys(values)], { ...values, DOCKER_CONFIG: dockerConfig });

  describeE2E('an image built by the e2e dockerd and pushed with docker push', () => {
    const leaky = `buildsecrets-e2e/registry-leaky:${randomBytes(4).toString('hex')}`;
    let layers: string[] = [];
    let blobLayers: string[] = [];

    beforeAll(async () => {
      const context = join(work, 'context');
      mkdirSync(context);
      copyFileSync(join(fixtures, 'Dockerfile.leaky'), join(context, 'Dockerfile'));
      writeFileSync(join(context, 'deleted.txt'), `token=${values.FILE_SECRET}\n`);
      writeFileSync(join(context, 'blob.b64'), `${Buffer.from(`x${values.BLOB_SECRET}and-more-bytes`).toString('base64')}\n`);
      writeFileSync(join(context, 'settings.json'), '{}\n');
      writeFileSync(join(context, 'key.yaml'), 'key: none\n');
      await docker(['build', ...E2E_BUILD_ARGS, '-q', '-t', leaky, '--build-arg', `ENV_VALUE=${values.ENV_SECRET}`, '--build-arg', `ARG_VALUE=${values.ARG_SECRET}`, context]);
      layers = JSON.parse(await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', leaky])) as string[];
      await dockerPush(registry, leaky, 'e2e/leaky:v1', E2E_ENV, DOCKER_BIN);
      const manifest = await registryRequest(registry, 'GET', '/v2/e2e/leaky/manifests/v1', undefined, { Accept: 'application/vnd.docker.distribution.manifest.v2+json' });
      blobLayers = (JSON.parse(manifest.body.toString('utf8')) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
    }, 300_000);
    afterAll(async () => {
      await docker(['rmi', '-f', leaky]).catch(() => undefined);
    });

    /** Findings with each layer named by its position, so diff ids (daemon) and blob digests (registry) compare. */
    const byPosition = (findings: readonly LeakFinding[], order: readonly string[]): unknown[] =>
      findings
        .map((f) => (f.location.kind === 'layer' ? { ...f, location: { ...f.location, layer: order.indexOf(f.location.layer), ...(f.location.deletedInLayer ? { deletedInLayer: order.indexOf(f.location.deletedInLayer) } : {}) } } : f))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

    it('finds the same leaks as the daemon audit of the same image (exit 3, no value printed)', async () => {
      const fromRegistry = await cli([`docker://${registry.address}/e2e/leaky:v1`, '--cert-dir', certDir], goodConfig);
      const fromDaemon = await cli([leaky], goodConfig);
      expect(fromRegistry.stderr).toBe('');
      expect(fromRegistry.code).toBe(3);
      expect(fromDaemon.code).toBe(3);
      const registryReport = JSON.parse(fromRegistry.stdout) as { findings: LeakFinding[]; source: string; digest: string };
      const daemonReport = JSON.parse(fromDaemon.stdout) as { findings: LeakFinding[] };
      expect(registryReport.source).toBe(`docker://${registry.address}/e2e/leaky:v1`);
      expect(registryReport.findings.length).toBeGreaterThanOrEqual(5);
      // docker save adds legacy v1 `<id>/json` files (a copy of the config) that a registry never holds.
      const daemonFindings = daemonReport.findings.filter((f) => !(f.location.kind === 'manifest' && /\/json$/.test(f.location.file)));
      expect(byPosition(registryReport.findings, blobLayers)).toEqual(byPosition(daemonFindings, layers));
      for (const value of Object.values(values)) expect(fromRegistry.stdout + fromRegistry.stderr).not.toContain(value);
    });

    it('reads the same image by digest', async () => {
      const head = await registryRequest(registry, 'HEAD', '/v2/e2e/leaky/manifests/v1', undefined, { Accept: 'application/vnd.docker.distribution.manifest.v2+json' });
      const digest = String(head.headers['docker-content-digest']);
      const run = await cli([`docker://${registry.address}/e2e/leaky@${digest}`, '--cert-dir', certDir], goodConfig);
      expect(run.code).toBe(3);
      expect((JSON.parse(run.stdout) as { digest: string }).digest).toBe(digest);
    });

    it('refuses wrong credentials (exit 1, AUTHENTICATION_FAILED) and never prints the password', async () => {
      const run = await cli([`docker://${registry.address}/e2e/leaky:v1`, '--cert-dir', certDir], badConfig);
      expect(run.code).toBe(1);
      expect(errorOf(run)).toMatchObject({ code: 'AUTHENTICATION_FAILED', message: expect.stringMatching(/refused access/) });
      expect(run.stderr + run.stdout).not.toContain(registry.password!);
      const none = await cli([`docker://${registry.address}/e2e/leaky:v1`, '--cert-dir', certDir], emptyConfig);
      expect(none.code).toBe(1);
      expect(errorOf(none)).toMatchObject({ code: 'AUTHENTICATION_FAILED', message: expect.stringMatching(/no credentials found/) });
    });

    it('refuses the self-signed certificate without --cert-dir (exit 1, with the flag to use)', async () => {
      const run = await cli([`docker://${registry.address}/e2e/leaky:v1`], goodConfig);
      expect(run.code).toBe(1);
      expect(errorOf(run)).toMatchObject({ code: 'TLS_FAILED', message: expect.stringMatching(/TLS certificate of 127\.0\.0\.1:\d+ was not accepted[\s\S]*--cert-dir/) });
      const insecure = await cli([`docker://${registry.address}/e2e/leaky:v1`, '--tls-verify=false'], goodConfig);
      expect(insecure.code).toBe(3);
    });
  });

  it('audits every platform of an index: only the layer of the leaky platform is reported', async () => {
    const value = rand('platform');
    const cleanLayer = tar([{ name: 'etc/hello', body: 'hello\n' }]);
    const leakyLayer = tar([{ name: 'etc/token', body: `${value}\n` }]);
    const image = async (arch: string, layer: Buffer) =>
      ({ ...(await uploadOciImage(registry, 'e2e/multi', `${arch}-only`, { config: { architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] } }, layers: [{ bytes: layer, mediaType: 'application/vnd.oci.image.layer.v1.tar' }] })), platform: { architecture: arch, os: 'linux' } });
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [await image('amd64', cleanLayer), await image('arm64', leakyLayer)] };
    await putManifest(registry, 'e2e/multi', 'v1', index.mediaType, index);
    const report = await auditRegistryImage({ reference: `${registry.address}/e2e/multi:v1`, caFile: registry.caFile, env: { DOCKER_CONFIG: goodConfig }, secrets: [{ id: 'platform', value: SecretValue.from(value) }] });
    expect(report.stats.layers).toBe(2);
    // Reported for linux/arm64 only; linux/amd64 (scanned too: 2 layers) is clean.
    expect(report.findings).toEqual([{ secretId: 'platform', encoding: 'raw', platform: 'linux/arm64', location: { kind: 'layer', layer: sha256Digest(leakyLayer), path: 'etc/token' } }]);
  });
});
