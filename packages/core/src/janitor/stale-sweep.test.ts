import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../util/temp-dir.js';
import { ownerGone, sweepStaleRuns, unauditedReportDir } from './stale-sweep.js';

describe('the start-up sweep of stale buildsecrets-* directories', () => {
  let root = '';
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('removes the directory of a run whose process is gone, keeps live ones and foreign names, and consumes unaudited-image notes', async () => {
    root = await mkdtemp(join(tmpdir(), 'bs-sweep-test-'));
    const env = { BUILDSECRETS_TMPDIR: root, XDG_STATE_HOME: join(root, 'state') };
    // A dead owner: a process that has exited.
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const stale = join(root, `buildsecrets-secret-mount-${dead.pid}-Ab12Cd`);
    await mkdir(stale);
    await writeFile(join(stale, 'token'), 'canary-sweep-value');
    const mine = await makeTempDir('engine', env);
    // A live process's directory (the test runner's parent started before it was made).
    const live = join(root, `buildsecrets-run-${process.ppid}-Zz99Yy`);
    await mkdir(live);
    const foreign = join(root, 'buildsecrets-unrelated');
    await mkdir(foreign);
    const notes = unauditedReportDir(env);
    await mkdir(notes, { recursive: true });
    await writeFile(join(notes, `${'cd'.repeat(32)}.json`), '{}');

    const result = await sweepStaleRuns(env);

    expect(result.removed).toEqual([stale]);
    expect(existsSync(stale)).toBe(false);
    expect([existsSync(mine.path), existsSync(live), existsSync(foreign)]).toEqual([true, true, true]);
    expect(result.unaudited).toEqual([`sha256:${'cd'.repeat(32)}`]);
    expect((await sweepStaleRuns(env)).unaudited).toEqual([]);
    await mine.remove();
  });

  it('treats a reused pid as gone: the process holding it started after the directory was made', async () => {
    const later = spawn('sleep', ['5']);
    await new Promise((r) => setTimeout(r, 100));
    try {
      // A directory made a minute ago cannot belong to a process that started just now.
      expect(await ownerGone(later.pid ?? 0, Date.now() - 60_000)).toBe(true);
      // The same process owning a directory made now is alive.
      expect(await ownerGone(later.pid ?? 0, Date.now())).toBe(false);
      expect(await ownerGone(process.pid, 0)).toBe(false);
    } finally {
      later.kill();
    }
  });
});
