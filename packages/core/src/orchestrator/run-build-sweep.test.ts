import { describe, expect, it, vi } from 'vitest';
import { runBuild } from './run-build.js';
import { builds, expectNothingLeft, logs, opts, session, useRunBuildHarness } from './__fixtures__/run-build-harness.js';

// The start-up sweep (directories of killed runs) is housekeeping: the engine starts without
// waiting for it, and a sweep that fails is a warning, never a build that is left unawaited.
const sweep = vi.hoisted(() => ({ impl: undefined as (() => Promise<{ removed: string[]; unaudited: string[]; engineBuilds: string[] }>) | undefined }));
vi.mock('../janitor/stale-sweep.js', async (original) => {
  const actual = await original<typeof import('../janitor/stale-sweep.js')>();
  return { ...actual, sweepStaleRuns: (...args: Parameters<typeof actual.sweepStaleRuns>) => (sweep.impl ? sweep.impl() : actual.sweepStaleRuns(...args)) };
});

useRunBuildHarness();

describe('runBuild and the start-up sweep', () => {
  it('starts the engine while the sweep is still running (a shared /tmp can hold thousands of names)', async () => {
    let engineStartedFirst = false;
    sweep.impl = async () => {
      // Ends when the engine has been asked to build, or after 5 s: a build that waited for the
      // sweep before starting the engine would only start after that and fail the expectation.
      const until = Date.now() + 5_000;
      while (Date.now() < until) {
        if ((await builds()).length > 0) {
          engineStartedFirst = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return { removed: [], unaudited: [], engineBuilds: [] };
    };
    try {
      const result = await runBuild(session().session, opts());
      expect(result.exitCode).toBe(0);
      expect(engineStartedFirst).toBe(true);
      await expectNothingLeft();
    } finally {
      sweep.impl = undefined;
    }
  });

  it('turns a sweep that fails into a warning; the build still completes and leaves nothing', async () => {
    sweep.impl = () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' }));
    try {
      const result = await runBuild(session().session, opts());
      expect(result.exitCode).toBe(0);
      expect(await builds()).toHaveLength(1);
      expect(logs.join('\n')).toContain('could not sweep the directories of killed runs (EACCES); this run goes on');
      await expectNothingLeft();
    } finally {
      sweep.impl = undefined;
    }
  });
});
