import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { keyedRev, SecretValue } from '@buildsecrets/core';
import { E2E_BUILD_ARGS, describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { killAll, makeTmpRoot, runCli } from './fixtures/build/cli.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/cache-revs/', import.meta.url));
const DOCKERFILE = join(FIXTURES, 'Dockerfile');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const fresh = (label: string): string => `canary-cache-${label}-${randomBytes(12).toString('hex')}`;
const images: string[] = [];

/**
 * Whether the RUN step whose command contains `marker` was served from the cache in a
 * `--progress=plain` log: BuildKit prints `#N [stage i/n] RUN …` and, for a cache hit, `#N CACHED`.
 */
function stepState(output: string, marker: string): 'cached' | 'ran' | 'missing' {
  const step = new RegExp(`^#(\\d+) \\[[^\\]]*\\] RUN .*${marker}`, 'm').exec(output);
  if (!step) return 'missing';
  return new RegExp(`^#${step[1]} CACHED$`, 'm').test(output) ? 'cached' : 'ran';
}

/** The rev the image history records for the final stage's RUN (`BUILDSECRETS_REV_TOKEN=<rev>`). */
async function historyRev(image: string): Promise<string | undefined> {
  const history = await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', image]);
  return /BUILDSECRETS_REV_TOKEN=(\S+)/.exec(history)?.[1];
}

async function proofs(image: string): Promise<{ fresh: string; stale: string }> {
  const [freshSha, staleSha] = (await docker(['run', '--rm', '--network=host', image, 'cat', '/token.sha256', '/stale.sha256'])).trim().split('\n');
  return { fresh: freshSha ?? '', stale: staleSha ?? '' };
}

describeE2E('cache revs: a rotated secret re-runs the steps that declare its rev (real BuildKit, warm cache)', () => {
  let tmp: Awaited<ReturnType<typeof makeTmpRoot>>;
  let nonce: string;

  /** One build through the CLI, never with --no-cache: the daemon's cache stays warm between builds. */
  async function build(config: string, env: Record<string, string>, extra: string[] = []): Promise<{ image: string; output: string; stdout: string }> {
    const image = `bs-e2e-cache-revs:${randomBytes(6).toString('hex')}`;
    images.push(image);
    const run = await runCli(['build', '--config', config, '-f', DOCKERFILE, ...E2E_BUILD_ARGS, '--progress=plain', '--build-arg', `NONCE=${nonce}`, '-t', image, ...extra, FIXTURES], { BUILDSECRETS_TMPDIR: tmp.path, ...env });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    return { image, output: run.stderr, stdout: run.stdout };
  }

  beforeEach(async () => {
    tmp = await makeTmpRoot();
    // Keeps each test's cache entries its own, so a re-run of the suite on the same daemon starts cold.
    nonce = randomBytes(8).toString('hex');
  });
  afterEach(async () => {
    killAll();
    expect(await tmp.entries(), 'no temp file is left behind').toEqual([]);
    await tmp.remove();
  });
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  }, 120_000);

  it('cache: keyed — same value: CACHED; rotated value: re-run with the new value, the rev an HMAC that changes only with the value', async () => {
    const config = join(FIXTURES, 'keyed.yaml');
    const key = fresh('key');
    const first = fresh('v1');
    const second = fresh('v2');
    const env = (value: string) => ({ BS_E2E_CACHE_TOKEN: value, BS_E2E_CACHE_KEY: key });

    const one = await build(config, env(first), ['--verbose']);
    expect([stepState(one.output, 'fresh-step'), stepState(one.output, 'stale-step')]).toEqual(['ran', 'ran']);
    const rev1 = keyedRev('token', SecretValue.from(first), SecretValue.from(key));
    expect(await historyRev(one.image)).toBe(rev1);
    expect(one.output, '--verbose shows the rev unmasked: it is not a secret').toContain(`BUILDSECRETS_REV_TOKEN=${rev1}`);

    const two = await build(config, env(first));
    expect([stepState(two.output, 'fresh-step'), stepState(two.output, 'stale-step')]).toEqual(['cached', 'cached']);
    expect(await historyRev(two.image)).toBe(rev1);

    const three = await build(config, env(second));
    expect(stepState(three.output, 'fresh-step'), 'the step declaring ARG BUILDSECRETS_REV_TOKEN re-runs').toBe('ran');
    expect(stepState(three.output, 'stale-step'), 'the step without the ARG stays cached').toBe('cached');
    expect(await proofs(three.image)).toEqual({ fresh: sha256(second), stale: sha256(first) });
    const rev2 = await historyRev(three.image);
    expect(rev2).toBe(keyedRev('token', SecretValue.from(second), SecretValue.from(key)));
    expect(rev2).not.toBe(rev1);

    for (const run of [one, two, three]) {
      const history = await docker(['history', '--no-trunc', run.image]);
      for (const secret of [first, second, key, sha256(first), sha256(second)]) expect(history).not.toContain(secret);
      for (const secret of [first, second, key]) expect(run.output + run.stdout).not.toContain(secret);
    }
    expect(await scanImage(three.image, { token: second, old: first, cachekey: key })).toEqual([]);
  }, 300_000);

  it('cache: version (keywhiz-fs directory) — same version: CACHED; new version: re-run, the rev the version id, never the value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-e2e-cache-kw-'));
    try {
      const config = join(dir, 'buildsecrets.yaml');
      await copyFile(join(FIXTURES, 'version.yaml'), config);
      await mkdir(join(dir, 'secrets/.json/secret'), { recursive: true });
      const deploy = async (value: string, creationDate: string): Promise<void> => {
        await writeFile(join(dir, 'secrets/token'), value);
        await writeFile(join(dir, 'secrets/.json/secret/token'), JSON.stringify({ name: 'token', secretLength: value.length, creationDate }));
      };
      const first = fresh('kw1');
      const second = fresh('kw2');
      await deploy(first, '2026-11-01T10:00:00Z');

      const one = await build(config, {});
      expect([stepState(one.output, 'fresh-step'), stepState(one.output, 'stale-step')]).toEqual(['ran', 'ran']);
      expect(await historyRev(one.image)).toBe('version:token@2026-11-01T10:00:00Z');

      const two = await build(config, {});
      expect([stepState(two.output, 'fresh-step'), stepState(two.output, 'stale-step')]).toEqual(['cached', 'cached']);
      expect(await historyRev(two.image)).toBe('version:token@2026-11-01T10:00:00Z');

      await deploy(second, '2026-11-30T09:00:00Z');
      const three = await build(config, {});
      expect([stepState(three.output, 'fresh-step'), stepState(three.output, 'stale-step')]).toEqual(['ran', 'cached']);
      expect(await proofs(three.image)).toEqual({ fresh: sha256(second), stale: sha256(first) });
      expect(await historyRev(three.image)).toBe('version:token@2026-11-30T09:00:00Z');

      for (const run of [one, two, three]) {
        const history = await docker(['history', '--no-trunc', run.image]);
        for (const secret of [first, second]) {
          expect(history).not.toContain(secret);
          expect(run.output + run.stdout).not.toContain(secret);
        }
      }
      expect(await scanImage(three.image, { token: second, old: first })).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('plan warns about the step without the ARG, with the exact line to add, and not about the one with it', async () => {
    const run = await runCli(['plan', '--config', join(FIXTURES, 'keyed.yaml'), '-f', DOCKERFILE, FIXTURES], {});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('warning line 5: the RUN (stage stale) mounts secret "token" (cache: keyed)');
    expect(run.stdout).toContain('add this line above it: ARG BUILDSECRETS_REV_TOKEN');
    expect(run.stdout).not.toContain('line 11');
    expect(run.stdout).not.toMatch(/ARG BUILDSECRETS_REV_TOKEN at line 10 .*looks like a secret/);
  }, 60_000);
});
