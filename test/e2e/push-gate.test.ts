// The push gate against a real registry (Debian's docker-registry with htpasswd and a self-signed
// CA made here): a leaky build leaves the repository without the tag (checked through the Registry
// API), a clean build is pushed and the printed digest is the one the registry serves.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { LOCAL_REGISTRY_PARTS, startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';
import { registryRequest } from '../support/registry-push.js';
import { describeWithParts } from '../support/system-parts.js';
import { buildArgs, canary, killAll, makeTmpRoot, runCli } from './fixtures/build/cli.js';
import { BASE_IMAGE, describeE2E, DOCKER_BIN, E2E_ENV } from './support/engine.js';

const exec = promisify(execFile);
const MANIFEST_TYPES = ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ');

/** What the registry holds for repo:tag, asked through the Registry HTTP API v2. */
async function registryHas(registry: LocalRegistry, repo: string, tag: string): Promise<{ tags: number; manifest: number; digest?: string }> {
  const tags = await registryRequest(registry, 'GET', `/v2/${repo}/tags/list`);
  const listed = tags.status === 200 ? ((JSON.parse(tags.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []) : [];
  const manifest = await registryRequest(registry, 'GET', `/v2/${repo}/manifests/${tag}`, undefined, { Accept: MANIFEST_TYPES });
  const digest = manifest.headers['docker-content-digest'];
  return { tags: listed.includes(tag) ? 200 : 404, manifest: manifest.status, ...(typeof digest === 'string' ? { digest } : {}) };
}

function expectNoValue(run: { stdout: string; stderr: string }, value: string, registry: LocalRegistry): void {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain(value);
    expect(text).not.toContain(registry.password);
  }
}

describeWithParts('the push gate with a real registry (htpasswd + TLS)', LOCAL_REGISTRY_PARTS, () => {
  let registry: LocalRegistry;
  let tmp: Awaited<ReturnType<typeof makeTmpRoot>>;
  let auth = '';
  beforeAll(async () => {
    registry = await startLocalRegistry({ auth: true, tls: true });
    auth = await mkdtemp(join(tmpdir(), 'bs-e2e-push-auth-'));
    await writeFile(join(auth, 'ca.crt'), registry.caPem ?? '');
  });
  afterAll(async () => {
    await registry?.stop();
    if (auth) await rm(auth, { recursive: true, force: true });
  });
  beforeEach(async () => {
    tmp = await makeTmpRoot();
  });
  afterEach(async () => {
    killAll();
    await tmp.remove();
  });

  describeE2E('docker-buildkit (docker push through the daemon)', () => {
    // A throwaway DOCKER_CONFIG: the login (password on stdin) never touches the user's ~/.docker.
    const dockerConfig = () => join(auth, 'docker');
    beforeAll(async () => {
      const login = execFile(DOCKER_BIN, ['login', '--username', registry.username!, '--password-stdin', registry.address], { env: { ...process.env, ...E2E_ENV, DOCKER_CONFIG: dockerConfig() } });
      login.stdin?.end(`${registry.password}\n`);
      await new Promise<void>((resolve, reject) => login.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker login exited ${code}`)))));
    });

    it('a leaky build exits 3 and the registry receives nothing: no tag, no manifest', async () => {
      const secret = canary('push-leak');
      const ref = `${registry.address}/gate/leaky:1`;
      const run = await runCli(buildArgs('leak.Dockerfile', '-t', ref, '--no-cache', '--push', '--engine', 'docker-buildkit'), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path, DOCKER_CONFIG: dockerConfig() });
      expect(run.code, run.stderr).toBe(3);
      expect(await registryHas(registry, 'gate/leaky', '1')).toMatchObject({ tags: 404, manifest: 404 });
      expect(run.stdout).not.toMatch(/@sha256:/);
      expectNoValue(run, secret.value, registry);
    }, 180_000);

    it('a clean build is pushed only after the audit; the printed digest is the registry\'s Docker-Content-Digest', async () => {
      const secret = canary('push-ok');
      const sha = createHash('sha256').update(secret.value).digest('hex');
      const ref = `${registry.address}/gate/clean:1`;
      const run = await runCli(buildArgs('ok.Dockerfile', '-t', ref, '--build-arg', `EXPECTED_SHA=${sha}`, '--no-cache', '--push', '--engine', 'docker-buildkit'), { BS_E2E_TOKEN: secret.value, BUILDSECRETS_TMPDIR: tmp.path, DOCKER_CONFIG: dockerConfig() });
      expect(run.code, run.stderr).toBe(0);
      const printed = /^(\S+)@(sha256:[0-9a-f]{64})$/m.exec(run.stdout);
      expect(printed?.[1]).toBe(ref);
      const held = await registryHas(registry, 'gate/clean', '1');
      expect(held).toMatchObject({ tags: 200, manifest: 200 });
      expect(held.digest).toBe(printed?.[2]);
      // The audit line comes before the push in the output.
      expect(run.stderr.indexOf('audit: ')).toBeLessThan(run.stderr.indexOf(`pushed ${ref}`));
      expect(await tmp.entries()).toEqual([]);
      expectNoValue(run, secret.value, registry);
    }, 180_000);

    it('--output type=registry is refused (exit 2) with the hint to use --push, and the registry receives nothing', async () => {
      const refused = await runCli(buildArgs('ok.Dockerfile', '-t', `${registry.address}/gate/x:1`, '--output', 'type=registry'), { BS_E2E_TOKEN: canary('push-refuse').value, BUILDSECRETS_TMPDIR: tmp.path });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--push/);
      expect(await registryHas(registry, 'gate/x', '1')).toMatchObject({ tags: 404, manifest: 404 });
    }, 180_000);
  });

  describeWithParts('podman (podman push --digestfile, auth file and CA dir of its own)', ['podman'], () => {
    let podmanReady: string | undefined;
    beforeAll(async () => {
      podmanReady = await exec('podman', ['image', 'exists', BASE_IMAGE]).then(() => undefined, (e: Error) => e.message.split('\n')[0]);
      if (podmanReady) return;
      const login = execFile('podman', ['login', '--authfile', join(auth, 'auth.json'), '--cert-dir', auth, '--username', registry.username!, '--password-stdin', registry.address]);
      login.stdin?.end(`${registry.password}\n`);
      await new Promise<void>((resolve, reject) => login.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`podman login exited ${code}`)))));
    }, 60_000);
    const env = (value: string) => ({ BS_E2E_TOKEN: value, BUILDSECRETS_TMPDIR: tmp.path, REGISTRY_AUTH_FILE: join(auth, 'auth.json') });

    it('a leaky build exits 3 and the registry receives nothing; a clean one is pushed with the digest the registry serves', async () => {
      // scripts/e2e-services.sh start imports the base image into podman storage; without it this fails, never passes.
      if (podmanReady) throw new Error(`podman has no ${BASE_IMAGE} (run scripts/e2e-services.sh start): ${podmanReady}`);
      const leak = canary('podman-push-leak');
      const leaky = await runCli(buildArgs('leak.Dockerfile', '-t', `${registry.address}/gate/podman-leaky:1`, '--no-cache', '--push', '--push-cert-dir', auth, '--engine', 'podman'), env(leak.value));
      expect(leaky.code, leaky.stderr).toBe(3);
      expect(await registryHas(registry, 'gate/podman-leaky', '1')).toMatchObject({ tags: 404, manifest: 404 });
      expectNoValue(leaky, leak.value, registry);

      const ok = canary('podman-push-ok');
      const ref = `${registry.address}/gate/podman-clean:1`;
      const sha = createHash('sha256').update(ok.value).digest('hex');
      const clean = await runCli(buildArgs('ok.Dockerfile', '-t', ref, '--build-arg', `EXPECTED_SHA=${sha}`, '--push', '--push-cert-dir', auth, '--engine', 'podman'), env(ok.value));
      expect(clean.code, clean.stderr).toBe(0);
      const printed = /^(\S+)@(sha256:[0-9a-f]{64})$/m.exec(clean.stdout);
      expect(printed?.[1]).toBe(ref);
      const held = await registryHas(registry, 'gate/podman-clean', '1');
      expect(held).toMatchObject({ tags: 200, manifest: 200 });
      expect(held.digest).toBe(printed?.[2]);
      expectNoValue(clean, ok.value, registry);
      await exec('podman', ['rmi', '-f', ref, `${registry.address}/gate/podman-leaky:1`]).catch(() => undefined);
    }, 300_000);
  });
  describeWithParts('buildah (buildah push --digestfile, auth file and CA dir of its own)', ['buildah'], () => {
    let podmanReady: string | undefined;
    beforeAll(async () => {
      podmanReady = await exec('buildah', ['inspect', '--type', 'image', BASE_IMAGE]).then(() => undefined, (e: Error) => e.message.split('\n')[0]);
      if (podmanReady) return;
      const login = execFile('buildah', ['login', '--authfile', join(auth, 'auth-buildah.json'), '--cert-dir', auth, '--username', registry.username!, '--password-stdin', registry.address]);
      login.stdin?.end(`${registry.password}\n`);
      await new Promise<void>((resolve, reject) => login.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`buildah login exited ${code}`)))));
    }, 60_000);
    const env = (value: string) => ({ BS_E2E_TOKEN: value, BUILDSECRETS_TMPDIR: tmp.path, REGISTRY_AUTH_FILE: join(auth, 'auth-buildah.json') });

    it('a leaky build exits 3 and the registry receives nothing; a clean one is pushed with the digest the registry serves', async () => {
      // scripts/e2e-services.sh start imports the base image into podman storage; without it this fails, never passes.
      if (podmanReady) throw new Error(`buildah has no ${BASE_IMAGE} (run scripts/e2e-services.sh start): ${podmanReady}`);
      const leak = canary('buildah-push-leak');
      const leaky = await runCli(buildArgs('leak.Dockerfile', '-t', `${registry.address}/gate/buildah-leaky:1`, '--push', '--push-cert-dir', auth, '--engine', 'buildah'), env(leak.value));
      expect(leaky.code, leaky.stderr).toBe(3);
      expect(await registryHas(registry, 'gate/buildah-leaky', '1')).toMatchObject({ tags: 404, manifest: 404 });
      expectNoValue(leaky, leak.value, registry);

      const ok = canary('buildah-push-ok');
      const ref = `${registry.address}/gate/buildah-clean:1`;
      const sha = createHash('sha256').update(ok.value).digest('hex');
      const clean = await runCli(buildArgs('ok.Dockerfile', '-t', ref, '--build-arg', `EXPECTED_SHA=${sha}`, '--push', '--push-cert-dir', auth, '--engine', 'buildah'), env(ok.value));
      expect(clean.code, clean.stderr).toBe(0);
      const printed = /^(\S+)@(sha256:[0-9a-f]{64})$/m.exec(clean.stdout);
      expect(printed?.[1]).toBe(ref);
      const held = await registryHas(registry, 'gate/buildah-clean', '1');
      expect(held).toMatchObject({ tags: 200, manifest: 200 });
      expect(held.digest).toBe(printed?.[2]);
      expectNoValue(clean, ok.value, registry);
      await exec('buildah', ['rmi', '-f', ref, `${registry.address}/gate/buildah-leaky:1`]).catch(() => undefined);
    }, 300_000);
  });
});
