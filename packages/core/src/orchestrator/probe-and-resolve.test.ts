import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbortedError, EngineError } from '../errors/index.js';
import type { BuildSession } from './build-types.js';
import { runBuild } from './run-build.js';
import { builds, dockerLog, events, expectNothingLeft, fileStrategy, logs, opts, session, useRunBuildHarness, work } from './__fixtures__/run-build-harness.js';

// The engine probe (probe-and-resolve.ts) runs while the values resolve, and with a known engine
// (asked for by name, or auto-detected for this setup last time) while the build already runs:
// whatever it answers, the build ends with the engine it confirms, and nothing — no value, no
// probe, no engine process — outlives the call.
useRunBuildHarness();

describe('runBuild: the engine probe beside resolution and the build', () => {
  it('detects the engine while resolving: an unreachable engine fails the build and wipes the values resolved meanwhile', async () => {
    const { session: s, values } = session({ env: { FAKE_SERVER: '' } });
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(events).toEqual(['validate secret-mount token', 'validate build-arg proxy', 'resolve']);
    for (const value of values.values()) expect(() => value.revealString(), 'values are wiped').toThrow();
    expect(await builds()).toEqual([]);
    await expectNothingLeft(err);
  });

  it('cancels a resolution still running when the engine turns out to be unreachable, and reports the engine error', async () => {
    const base = session({ env: { FAKE_SERVER: '' } }).session;
    let resolveSignal: AbortSignal | undefined;
    const s: BuildSession = {
      ...base,
      async resolveAll(signal) {
        resolveSignal = signal;
        await new Promise((done) => signal.addEventListener('abort', done, { once: true }));
        throw new AbortedError('resolution cancelled');
      },
    };
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(resolveSignal?.aborted).toBe(true);
    expect(await builds()).toEqual([]);
    await expectNothingLeft(err);
  });

  it('builds with an engine asked for by name while its probe is still answering, and reports the probed version', async () => {
    const { session: s } = session({ env: { FAKE_VERSION_SLEEP: '1' } });
    const result = await runBuild(s, opts({ engine: 'docker-buildkit' }));
    const log = (await dockerLog()).split('\n');
    const built = log.findIndex((l) => / build /.test(l));
    const answered = log.findIndex((l) => / version answered$/.test(l));
    expect(built, 'the build started before the probe answered').toBeGreaterThanOrEqual(0);
    expect(built).toBeLessThan(answered);
    expect(result.engine).toMatchObject({ name: 'docker-buildkit', requested: 'docker-buildkit', probed: true, version: '20.10.24' });
    expect(logs.join('\n')).toMatch(/engine: docker-buildkit \(20\.10\.24\)/);
    await expectNothingLeft();
  });

  it('stops the engine of an engine asked for by name when its probe fails during the build, and reports the probe\'s error', async () => {
    const { session: s } = session({ env: { FAKE_VERSION_SLEEP: '1', FAKE_SERVER: '', FAKE_BUILD_SLEEP: '30' } });
    const started = Date.now();
    const err = await runBuild(s, opts({ engine: 'docker-buildkit' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toContain('cannot reach the Docker daemon');
    expect(Date.now() - started, 'the 30 s build was stopped').toBeLessThan(20_000);
    expect(await builds()).toHaveLength(1);
    await expectNothingLeft(err);
  });

  it('fails an engine asked for by name whose probe fails before the build starts, with the probe\'s error and nothing prepared', async () => {
    const { session: s } = session({ env: { FAKE_SERVER: '' } });
    const slow: BuildSession = { ...s, resolveAll: async (signal, o) => (await new Promise((done) => setTimeout(done, 300)), s.resolveAll(signal, o)) };
    const err = await runBuild(slow, opts({ engine: 'docker-buildkit' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toContain('cannot reach the Docker daemon');
    expect(events).not.toContain('prepare secret-mount');
    expect(await builds()).toEqual([]);
    await expectNothingLeft(err);
  });

  it('auto-detection: a later build of the same setup starts with the engine chosen last time while the probe confirms it', async () => {
    await runBuild(session().session, opts());
    expect(Object.values(JSON.parse(await readFile(join(work, 'cache', 'buildsecrets', 'engine-choice.json'), 'utf8')) as object)).toEqual(['docker-buildkit']);
    await rm(join(work, 'docker.log'));
    const result = await runBuild(session({ env: { FAKE_VERSION_SLEEP: '1' } }).session, opts());
    const log = (await dockerLog()).split('\n');
    expect(log.findIndex((l) => / build /.test(l))).toBeLessThan(log.findIndex((l) => / version answered$/.test(l)));
    expect(result.engine).toMatchObject({ name: 'docker-buildkit', requested: 'auto', probed: true, version: '20.10.24' });
    await expectNothingLeft();
  });

  it('auto-detection: when the probe chooses another engine than last time, the build started with the old one is stopped and runs again with the new one', async () => {
    await runBuild(session({ env: { FAKE_BUILDX: '1' } }).session, opts());
    await rm(join(work, 'docker.log'));
    // buildx is gone since: the build started with `docker buildx build` fails, the probe says docker-buildkit.
    const result = await runBuild(session({ env: { FAKE_VERSION_SLEEP: '1' } }).session, opts());
    expect(result.engine).toMatchObject({ name: 'docker-buildkit', requested: 'auto', probed: true });
    const invocations = (await dockerLog()).split('\n').filter((l) => / build /.test(l));
    expect(invocations).toHaveLength(2);
    expect(invocations[0]).toMatch(/ buildx build /);
    expect(invocations[1]).not.toMatch(/ buildx /);
    expect(result.imageId).toMatch(/^sha256:/);
    await expectNothingLeft();
  });

  it('leaves no probe running when it fails after resolution while the probe still answers (nothing outlives the call)', async () => {
    await runBuild(session().session, opts());
    await rm(join(work, 'docker.log'));
    const { session: s } = session({ env: { FAKE_VERSION_SLEEP: '1' }, strategies: { 'build-arg': fileStrategy('build-arg', { failPrepare: true }) } });
    await expect(runBuild(s, opts())).rejects.toThrow('prepare failed');
    // The build started with last time's engine hint, so the probe was not waited for — until the end.
    expect(await dockerLog()).toMatch(/ version answered$/m);
    await expectNothingLeft();
  });
});
