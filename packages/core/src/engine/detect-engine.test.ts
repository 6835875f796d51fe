import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../errors/index.js';
import { makeFakeDocker } from './__fixtures__/fake-docker.js';
import { detectEngine } from './detect-engine.js';

let fake: Awaited<ReturnType<typeof makeFakeDocker>>;
beforeAll(async () => {
  fake = await makeFakeDocker();
});
afterAll(() => fake.remove());

const env = (extra: Record<string, string>) => ({ PATH: process.env['PATH'], DOCKER_HOST: 'unix:///run/test.sock', ...extra });

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

describe('detectEngine', () => {
  it('uses `docker buildx build` when the buildx plugin answers', async () => {
    const info = await detectEngine({ docker: fake.bin, env: env({ FAKE_SERVER: '27.3.1', FAKE_CLIENT: '27.3.1', FAKE_BUILDX: '1' }) });
    expect(info).toEqual({ docker: fake.bin, mode: 'buildx', version: '27.3.1' });
  });

  it('falls back to DOCKER_BUILDKIT=1 docker build on a BuildKit-capable daemon without buildx', async () => {
    const info = await detectEngine({ docker: fake.bin, env: env({ FAKE_SERVER: '20.10.24+dfsg1' }) });
    expect(info).toEqual({ docker: fake.bin, mode: 'buildkit', version: '20.10.24+dfsg1' });
  });

  it('names the binary and says how to choose another when it does not exist', async () => {
    const err = await failure(detectEngine({ docker: '/nonexistent/docker', env: env({}) }));
    expect(err.message).toContain('"/nonexistent/docker" was not found');
    expect(err.message).toContain('--docker');
    expect(err.code).toBe('ENGINE_FAILED');
  });

  it('asks whether dockerd is running and shows DOCKER_HOST when the daemon is unreachable', async () => {
    const err = await failure(detectEngine({ docker: fake.bin, env: env({ FAKE_SERVER: '' }) }));
    expect(err.message).toContain('cannot reach the Docker daemon (DOCKER_HOST=unix:///run/test.sock)');
    expect(err.message).toContain('is dockerd running?');
  });

  it('never shows credentials embedded in DOCKER_HOST', async () => {
    const err = await failure(detectEngine({ docker: fake.bin, env: { ...env({ FAKE_SERVER: '' }), DOCKER_HOST: 'tcp://admin:hunter2-canary@127.0.0.1:1' } }));
    expect(err.message).toContain('DOCKER_HOST=tcp://127.0.0.1:1');
    expect(err.message).not.toContain('hunter2-canary');
  });

  it('refuses a daemon older than 18.09 (no BuildKit)', async () => {
    const err = await failure(detectEngine({ docker: fake.bin, env: env({ FAKE_SERVER: '18.06.1-ce', FAKE_CLIENT: '18.06.1-ce' }) }));
    expect(err.message).toContain('has no BuildKit');
  });

  it('refuses a Windows daemon (no BuildKit secret mounts)', async () => {
    const err = await failure(detectEngine({ docker: fake.bin, env: env({ FAKE_SERVER: '24.0.7', FAKE_OS: 'windows', FAKE_CLIENT: '20.10.0' }) }));
    expect(err.message).toContain('has no BuildKit');
  });

  it('explains that a docker CLI ≥ 23 without buildx cannot run BuildKit builds', async () => {
    const err = await failure(detectEngine({ docker: fake.bin, env: env({ FAKE_SERVER: '24.0.7', FAKE_CLIENT: '28.2.2' }) }));
    expect(err.message).toContain('needs the buildx plugin');
  });

  describe('docker-buildkit asked for by name (buildxOnlyIfNeeded): one docker CLI start fewer', () => {
    async function queries(extra: Record<string, string>): Promise<{ info: unknown; asked: string[] }> {
      const dir = await mkdtemp(join(tmpdir(), 'bs-detect-'));
      try {
        const log = join(dir, 'docker.log');
        const info = await detectEngine({ docker: fake.bin, env: env({ ...extra, FAKE_LOG: log }), buildxOnlyIfNeeded: true }).catch((e: unknown) => e);
        const asked = (await readFile(log, 'utf8')).trim().split('\n').map((l) => l.replace(/^\d+ /, ''));
        return { info, asked };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }

    it('does not ask about buildx when the CLI (before 23) builds with BuildKit by itself', async () => {
      const { info, asked } = await queries({ FAKE_SERVER: '20.10.24+dfsg1', FAKE_CLIENT: '20.10.24+dfsg1', FAKE_BUILDX: '1' });
      expect(info).toEqual({ docker: fake.bin, mode: 'buildkit', version: '20.10.24+dfsg1' });
      expect(asked.filter((a) => a.startsWith('buildx'))).toEqual([]);
    });

    it('still asks a CLI of 23 or newer, and still explains a missing plugin', async () => {
      const withPlugin = await queries({ FAKE_SERVER: '27.3.1', FAKE_CLIENT: '27.3.1', FAKE_BUILDX: '1' });
      expect(withPlugin.info).toEqual({ docker: fake.bin, mode: 'buildx', version: '27.3.1' });
      expect(withPlugin.asked).toContain('buildx version');
      const without = await queries({ FAKE_SERVER: '24.0.7', FAKE_CLIENT: '28.2.2' });
      expect((without.info as Error).message).toContain('needs the buildx plugin');
    });

    it('still asks when the client version cannot be read', async () => {
      const { asked } = await queries({ FAKE_SERVER: '20.10.24', FAKE_CLIENT: 'unknown' });
      expect(asked).toContain('buildx version');
    });
  });

  it('stops when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await detectEngine({ docker: fake.bin, env: env({ FAKE_SERVER: '27.0.0' }), signal: controller.signal }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('ABORTED');
  });
});
