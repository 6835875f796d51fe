import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbortedError, AuditError, ConfigError, DockerfileError, EngineError, LeakDetectedError, ProviderUnavailableError, StrategyRefusedError } from '../errors/index.js';
import type { BuildSteps } from './build-steps.js';
import { trackedResources } from './exit-cleanup.js';
import { runBuild } from './run-build.js';
import { CANARY, CANARY_ARG, builds, dockerLog, events, expectNothingLeft, fake, fileStrategy, logs, opts, session, useRunBuildHarness, work } from './__fixtures__/run-build-harness.js';

// The engine probe running beside resolution and the build is specified in probe-and-resolve.test.ts.
useRunBuildHarness();

describe('runBuild', () => {
  it('validates, resolves, prepares each kind, builds with user args + injection args + context, then disposes in reverse', async () => {
    const { session: s, values } = session();
    const result = await runBuild(s, opts());
    expect(events).toEqual(['validate secret-mount token', 'validate build-arg proxy', 'resolve', 'prepare secret-mount', 'prepare build-arg', 'dispose build-arg', 'dispose secret-mount']);
    expect(result.imageId).toMatch(/^sha256:/);
    const [build] = await builds();
    expect(build).toMatch(/ build --iidfile \S+\/iid -t app --secret id=token,src=\S+ --secret id=proxy,src=\S+ \S+\/ctx$/);
    for (const value of values.values()) expect(() => value.revealString(), 'values are wiped after the build').toThrow();
    await expectNothingLeft();
  });

  it('gives a short progress account at info level: secrets by provider and the time, the engine, the build time', async () => {
    const { session: s } = session();
    await runBuild(s, opts());
    const info = logs.filter((l) => !/ (debug|warn|error):/.test(l)).join('\n');
    expect(info).toMatch(/resolved 3 secrets from local \(env\) ×3 in \d+ ms/);
    expect(info).toMatch(/engine: docker-buildkit \([^)]+\)/);
    expect(info).toMatch(/built sha256:[0-9a-f]{12} in \d+(\.\d)? (ms|s)/);
  });

  it('propagates the engine exit code as an EngineError and still removes everything', async () => {
    const { session: s } = session({ env: { FAKE_BUILD_EXIT: '3' } });
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).exitCode).toBe(3);
    expect(events.slice(-2)).toEqual(['dispose build-arg', 'dispose secret-mount']);
    await expectNothingLeft(err);
  });

  it('fails closed: a resolution error propagates and nothing is prepared or built', async () => {
    const { session: s } = session({ resolveError: new ProviderUnavailableError('vault is sealed', { provider: 'local' }) });
    await expect(runBuild(s, opts())).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(events).not.toContain('prepare secret-mount');
    expect(await builds()).toEqual([]);
    await expectNothingLeft();
  });

  it('lets a strategy refuse before anything is resolved', async () => {
    const { session: s } = session({ strategies: { 'build-arg': fileStrategy('build-arg', { refuse: true }) } });
    await expect(runBuild(s, opts())).rejects.toBeInstanceOf(StrategyRefusedError);
    expect(events).not.toContain('resolve');
    expect(await dockerLog()).toBe('');
  });

  it('disposes what was prepared when a later strategy fails to prepare, and removes its files', async () => {
    const { session: s } = session({ strategies: { 'build-arg': fileStrategy('build-arg', { failPrepare: true }) } });
    await expect(runBuild(s, opts())).rejects.toThrow('prepare failed');
    expect(events.slice(-1)).toEqual(['dispose secret-mount']);
    expect(await builds()).toEqual([]);
    await expectNothingLeft();
  });

  it('refuses to start a build whose arguments would show a value in `ps`', async () => {
    const { session: s } = session({ strategies: { 'secret-mount': fileStrategy('secret-mount', { leakArg: true }) } });
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyRefusedError);
    expect(await builds()).toEqual([]);
    await expectNothingLeft(err);
  });

  it('does not refuse a build because a 1–3 byte value happens to occur inside ordinary arguments', async () => {
    // "s" occurs in every `--secret id=…,src=/…/buildsecrets-…` argument; it proves nothing about a leak.
    const { session: s } = session({ token: 's' });
    const result = await runBuild(s, opts());
    expect(result.exitCode).toBe(0);
    expect(await builds()).toHaveLength(1);
  });

  it('stops the engine on abort, tears down, and rejects with AbortedError', async () => {
    const { session: s } = session({ env: { FAKE_BUILD_SLEEP: '30' } });
    const controller = new AbortController();
    const running = runBuild(s, opts({ signal: controller.signal }));
    await expect.poll(async () => (await builds()).length, { timeout: 5000 }).toBe(1);
    expect(trackedResources().processGroups).toHaveLength(1);
    controller.abort();
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(events.slice(-2)).toEqual(['dispose build-arg', 'dispose secret-mount']);
    await expectNothingLeft(err);
  });

  it('--dry-run shows the command with placeholders and resolves, prepares and builds nothing', async () => {
    const { session: s } = session();
    const result = await runBuild(s, opts({ dryRun: true, dockerfile: join(work, 'ctx', 'Dockerfile') }));
    expect(result.command).toEqual([
      'DOCKER_BUILDKIT=1', fake.bin, 'build', '--iidfile', '<tmpfs>/iid', '-t', 'app', '-f', join(work, 'ctx', 'Dockerfile'),
      '--secret', 'id=token,src=<tmpfs>/token', '--build-arg', 'proxy', join(work, 'ctx'),
    ]);
    expect(events).toEqual(['validate secret-mount token', 'validate build-arg proxy']);
    expect(await builds()).toEqual([]);
  });

  it('stops before resolving when the Dockerfile check reports errors, and logs its warnings', async () => {
    const { session: s } = session();
    const steps: BuildSteps = { checkDockerfile: () => ({ errors: ['secret "npm" is mounted but not configured'], warnings: ['secret "proxy" is never mounted'], declaredArgs: new Set() }) };
    const err = await runBuild(s, opts(), steps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerfileError);
    expect((err as DockerfileError).message).toContain('mounted but not configured');
    expect(logs.join('\n')).toContain('never mounted');
    expect(events).not.toContain('resolve');
  });

  it('checks the real Dockerfile by default: a mounted secret missing from the config stops the build before resolving', async () => {
    await writeFile(join(work, 'ctx', 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=npm_token,required=true true\n');
    const { session: s } = session();
    const err = await runBuild(s, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerfileError);
    expect((err as DockerfileError).message).toContain('npm_token');
    expect(events).not.toContain('resolve');
    expect(await dockerLog()).toBe('');
  });

  describe('post-build audit', () => {
    const leak: BuildSteps = { auditImage: async () => ({ clean: false, findings: [{ secretId: 'token', encoding: 'base64', location: { kind: 'layer', layer: 'sha256:abc', path: 'app/.npmrc' } }] }) };

    it('fail: a leak throws LeakDetectedError naming the image, after teardown', async () => {
      const { session: s } = session();
      const err = await runBuild(s, opts({ audit: 'fail' }), leak).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LeakDetectedError);
      expect((err as LeakDetectedError).image).toMatch(/^sha256:/);
      await expectNothingLeft(err);
    });

    it('warn: the same leak table is logged, the summary line ends the audit, and the build succeeds', async () => {
      const { session: s } = session();
      const result = await runBuild(s, opts({ audit: 'warn' }), leak);
      expect(result.audit).toMatchObject({ clean: false, findings: 1, leaks: [{ secretId: 'token', encoding: 'base64' }], preExisting: [] });
      expect(logs.join('\n')).toMatch(/token \(base64\)\s+layer sha256:abc\s+\/app\/\.npmrc/);
      expect(logs.join('\n')).toContain('audit: 0 layers (none attributed to a base image), 1 finding');
    });

    it('fail: the leak error carries the findings and prints them with --json', async () => {
      const { session: s } = session();
      const err = (await runBuild(s, opts({ audit: 'fail' }), leak).catch((e: unknown) => e)) as LeakDetectedError;
      expect(err.findings).toEqual([{ secretId: 'token', encoding: 'base64', location: { kind: 'layer', layer: 'sha256:abc', path: 'app/.npmrc' } }]);
      expect(err.toJSON()).toMatchObject({ code: 'LEAK_DETECTED', findings: err.findings });
      expect(logs.join('\n')).toMatch(/token \(base64\)\s+layer sha256:abc/);
    });

    it('values only in base-image layers warn as pre-existing by default, fail with baseLayers: fail', async () => {
      const finding = { secretId: 'token', encoding: 'raw', location: { kind: 'layer' as const, layer: 'sha256:base', path: 'bin/busybox' } };
      const base: BuildSteps = { auditImage: async () => ({ clean: false, findings: [], preExisting: [finding], layers: 3, baseLayers: 2 }) };
      const { session: s } = session();
      const result = await runBuild(s, opts({ audit: 'fail' }), base);
      expect(result.audit).toMatchObject({ findings: 0, preExisting: [finding], layers: 3, buildLayers: 1 });
      expect(logs.join('\n')).toContain('audit: 3 layers (1 from this build), 0 findings, 1 pre-existing in base layers');
      expect(logs.join('\n')).toContain('pre-existing, not written by this build');
      const err = await runBuild(session().session, opts({ audit: { mode: 'fail', baseLayers: 'fail' } }), base).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LeakDetectedError);
    });

    it('receives every resolved value, including inject: none helpers, before they are wiped', async () => {
      const { session: s } = session();
      let seen: string[] = [];
      await runBuild(s, opts({ audit: 'fail' }), { auditImage: async ({ secrets }) => ((seen = secrets.map((x) => `${x.id}:${x.value.length}`)), { clean: true, findings: [] }) });
      expect(seen).toEqual([`token:${CANARY.length}`, `proxy:${CANARY_ARG.length}`, 'passphrase:21']);
    });

    it('fail: an unsearchable layer fails the build (exit 1), naming the layer and why', async () => {
      const { session: s } = session();
      const partial: BuildSteps = { auditImage: async () => ({ clean: false, findings: [], tooShort: ['pin'], unscanned: ['sha256:def: zstd layer'] }) };
      const err = await runBuild(s, opts({ audit: 'fail' }), partial).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuditError);
      expect((err as AuditError).message).toContain('sha256:def: zstd layer');
      expect(logs.join('\n')).toContain('secret pin is shorter than 8 bytes');
    });

    it('warn: an unsearchable layer is a warning and the build succeeds', async () => {
      const { session: s } = session();
      const partial: BuildSteps = { auditImage: async () => ({ clean: false, findings: [], unscanned: ['sha256:def: zstd layer'], layers: 2 }) };
      const result = await runBuild(s, opts({ audit: 'warn' }), partial);
      expect(result.audit).toMatchObject({ clean: false, findings: 0, unscanned: ['sha256:def: zstd layer'] });
      expect(logs.join('\n')).toContain('could not search sha256:def: zstd layer');
      expect(logs.join('\n')).toContain('audit: 2 layers (none attributed to a base image), 0 findings, 1 not searched');
    });

    it("audits with the user's own --iidfile: the id is read from their file, which they keep", async () => {
      const { session: s } = session();
      const theirs = join(work, 'their-iid');
      let audited = '';
      const result = await runBuild(s, opts({ audit: 'fail', engineArgs: ['-t', 'app', '--iidfile', theirs] }), { auditImage: async ({ image }) => ((audited = image), { clean: true, findings: [], layers: 1 }) });
      expect(result.imageId).toMatch(/^sha256:/);
      expect(audited).toBe(result.imageId);
      expect((await readFile(theirs, 'utf8')).trim()).toBe(result.imageId);
      expect(logs.join('\n')).toContain('audit: 1 layer (none attributed to a base image), 0 findings');
    });

    it('fail: a build with an export that cannot be read back (stdout) is refused by the audit, with the reason', async () => {
      const { session: s } = session();
      const err = await runBuild(s, opts({ audit: 'fail', engineArgs: ['-t', 'app', '--output', 'type=tar,dest=-'] }), leak).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuditError);
      expect((err as Error).message).toContain('stdout');
    });

    it('short values warn by id; build.minSecretLength makes them an error before the engine runs', async () => {
      const { session: s } = session({ token: 'abc123' });
      await runBuild(s, opts());
      expect(logs.join('\n')).toContain('secret token (6 bytes) is shorter than 8 bytes');
      const strict = { ...session({ token: 'abc123' }).session };
      const withMin = { ...strict, config: { ...strict.config, build: { ...strict.config.build!, minSecretLength: 8 } } };
      const before = (await builds()).length;
      const err = await runBuild(withMin, opts()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues[0]!.message).toBe('secret token (6 bytes) is shorter than 8 bytes');
      expect((await builds()).length).toBe(before);
    });

    it('off: says the audit was skipped', async () => {
      const { session: s } = session();
      const result = await runBuild(s, opts({ audit: 'off' }), leak);
      expect(result.audit).toBeUndefined();
      expect(logs.join('\n')).toContain('audit: off');
    });
  });
});
