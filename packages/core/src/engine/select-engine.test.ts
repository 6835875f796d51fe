import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../errors/index.js';
import { makeFakeEngines } from './__fixtures__/fake-engine.js';
import { selectEngine, type SelectEngineOptions } from './select-engine.js';
import { ENGINE_CHOICES } from '../config/schema.js';
import { ENGINE_NAMES } from './engine-adapter.js';

let fakes: Awaited<ReturnType<typeof makeFakeEngines>>;
beforeAll(async () => {
  fakes = await makeFakeEngines();
});
afterAll(() => fakes.remove());

function options(overrides: Partial<SelectEngineOptions> & { env?: Record<string, string> }): SelectEngineOptions {
  return {
    requested: 'auto',
    binaries: { docker: fakes.bin('docker'), podman: fakes.bin('podman'), buildah: fakes.bin('buildah') },
    dockerNamed: false,
    ...overrides,
    env: { PATH: process.env['PATH'] ?? '', FAKE_SERVER: '20.10.24', ...overrides.env },
  };
}

describe('selectEngine', () => {
  it('auto: takes docker buildx first when the plugin answers, and says why', async () => {
    const choice = await selectEngine(options({ env: { FAKE_SERVER: '27.3.1', FAKE_BUILDX: '1' } }));
    expect(choice.adapter.name).toBe('docker-buildx');
    expect(choice.tried).toEqual([expect.stringMatching(/^docker-buildx: chosen — the buildx plugin answered \(daemon 27\.3\.1/)]);
  });

  it('auto: takes DOCKER_BUILDKIT=1 docker build without buildx, listing buildx as passed over', async () => {
    const choice = await selectEngine(options({}));
    expect(choice.adapter.name).toBe('docker-buildkit');
    expect(choice.tried[0]).toBe('docker-buildx: passed over — no buildx plugin');
    expect(choice.tried[1]).toMatch(/^docker-buildkit: chosen/);
  });

  it('auto: falls back to podman, then buildah, only when docker is not installed', async () => {
    const noDocker = { docker: join(fakes.dir, 'absent-docker'), podman: fakes.bin('podman'), buildah: fakes.bin('buildah') };
    const podman = await selectEngine(options({ binaries: noDocker, env: { FAKE_SERVER: '4.3.1' } }));
    expect(podman.adapter.name).toBe('podman');
    expect(podman.tried[0]).toMatch(/^docker-buildx, docker-buildkit: passed over — .*was not found/);
    const buildah = await selectEngine(options({ binaries: { ...noDocker, podman: join(fakes.dir, 'absent-podman') }, env: { FAKE_SERVER: '1.28.2' } }));
    expect(buildah.adapter.name).toBe('buildah');
    expect(buildah.tried.map((line) => line.split(':')[0])).toEqual(['docker-buildx, docker-buildkit', 'podman', 'buildah']);
  });

  it('auto: a docker daemon that is down is an error, not a silent switch to podman', async () => {
    const err = await selectEngine(options({ env: { FAKE_SERVER: '' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toContain('cannot reach the Docker daemon');
  });

  it('auto: a named docker binary that is missing is an error (never a fallback)', async () => {
    const err = await selectEngine(options({ binaries: { docker: join(fakes.dir, 'absent') }, dockerNamed: true })).catch((e: unknown) => e);
    expect((err as Error).message).toContain('was not found');
  });

  it('auto: when nothing answers, the error lists the order tried', async () => {
    const err = (await selectEngine(options({ binaries: { docker: join(fakes.dir, 'a'), podman: join(fakes.dir, 'b'), buildah: join(fakes.dir, 'c') } })).catch((e: unknown) => e)) as EngineError;
    expect(err).toBeInstanceOf(EngineError);
    expect(err.hint).toContain('docker-buildx, docker-buildkit, podman, buildah');
  });

  it('named: probes exactly that engine and fails with its own error when it cannot build', async () => {
    const choice = await selectEngine(options({ requested: 'docker-classic' }));
    expect(choice.adapter.name).toBe('docker-classic');
    expect(choice.tried[0]).toMatch(/^docker-classic: chosen — asked for/);
    const err = await selectEngine(options({ requested: 'podman', env: { FAKE_SERVER: '' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toContain('podman does not answer');
  });
});

describe('build.engine', () => {
  it('accepts auto and exactly the adapters\' names', () => {
    expect(ENGINE_CHOICES).toEqual(['auto', ...ENGINE_NAMES]);
  });
});
