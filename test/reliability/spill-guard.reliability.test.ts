import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import suite from '../../vitest.config.js';
import { DEFAULT_SPILL_DIRS, newSpills, otherLiveRuns, snapshotSpillDirs } from '../setup/spill-guard.js';
import { RUN_TEMP_PREFIX } from '../setup/temp-dir-guard.js';
import { tempDir } from '../support/temp-dirs.js';

// A test run leaves nothing new where builds spill secret copies (/dev/shm, /var/tmp, the containers
// store's working containers): the suite's globalSetup lists those places when the run starts and
// fails the run naming what appeared and stayed. This proves the guard is on, that it fails a real
// vitest run whose test leaves a file there, and passes one that removes what it wrote.
const CONFIG = fileURLToPath(new URL('./fixtures/spill-guard/vitest.config.ts', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

function runFixture(name: string, spillDirs: readonly string[]): { status: number | null; output: string } {
  const env = { ...process.env, NO_COLOR: '1', CI: '1', BS_SPILL_DIRS: spillDirs.join(':') };
  const run = spawnSync(process.execPath, [VITEST, 'run', '--config', CONFIG, name], { encoding: 'utf8', timeout: 90_000, env });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

it('the suite runs every test under the spill guard, watching /dev/shm, /var/tmp and the working containers, after the temp-dir guard', () => {
  const setups = suite.test?.globalSetup;
  expect(setups).toContain('test/setup/spill-guard.ts');
  expect((setups as string[]).indexOf('test/setup/spill-guard.ts')).toBeGreaterThan((setups as string[]).indexOf('test/setup/temp-dir-guard.ts'));
  expect(DEFAULT_SPILL_DIRS).toEqual(['/dev/shm', '/var/tmp', '/var/lib/containers/storage/overlay-containers']);
});

it('a real vitest run whose test leaves a file where builds spill fails, naming its path, kind, size and mode but not its content', async () => {
  const [shm, vartmp] = [await tempDir('bs-spill-shm-'), await tempDir('bs-spill-var-')];
  writeFileSync(join(shm, 'there-before'), 'x');
  const run = runFixture('leaves-a-file', [shm, vartmp]);
  expect(run.status, run.output).toBe(1);
  expect(run.output).toContain('1 passed');
  expect(run.output).toContain('spill guard: the test run left 1 entry where builds spill secret copies');
  expect(run.output).toContain(`${join(shm, 'buildah123456')} (file, 17 bytes, mode 400)`);
  expect(run.output).not.toContain('there-before');
  expect(run.output).not.toContain('not-a-real-secret');
}, 100_000);

it('a real vitest run whose test removes what it wrote there passes', async () => {
  const [shm, vartmp] = [await tempDir('bs-spill-shm-'), await tempDir('bs-spill-var-')];
  const run = runFixture('removes-its-file', [shm, vartmp]);
  expect(run.status, run.output).toBe(0);
  expect(run.output).toContain('1 passed');
  expect(run.output).not.toContain('spill guard');
  expect(readdirSync(vartmp)).toEqual([]);
}, 100_000);

it('counts an entry as new by its name, and never a tool\u2019s resident state (podman\u2019s lock table, the store\u2019s index)', async () => {
  const dir = await tempDir('bs-spill-snap-');
  mkdirSync(join(dir, 'old'));
  const before = snapshotSpillDirs([dir, '/no/such/dir']);
  mkdirSync(join(dir, 'new'));
  writeFileSync(join(dir, 'new', 'secret'), 'x');
  expect(newSpills(before, snapshotSpillDirs([dir, '/no/such/dir']))).toEqual([`${join(dir, 'new')}/ (directory, 1 entry)`]);
  const resident = new Map([['/dev/shm', new Set(['libpod_lock'])], ['/var/lib/containers/storage/overlay-containers', new Set(['containers.json', 'containers.lock'])]]);
  expect(newSpills(new Map(), resident)).toEqual([]);
});

it('tells another live test run by its private temp dir, never this run or a dead one', async () => {
  const root = await tempDir('bs-spill-runs-');
  const dead = spawn('true');
  await new Promise((resolve) => dead.once('exit', resolve));
  const other = spawn('sleep', ['30']);
  try {
    for (const pid of [dead.pid, process.pid, other.pid]) mkdirSync(join(root, `${RUN_TEMP_PREFIX}${pid}-AbC123`));
    mkdirSync(join(root, 'bs-cli-xyz'));
    expect(otherLiveRuns(root)).toEqual([other.pid]);
  } finally {
    other.kill();
  }
});
