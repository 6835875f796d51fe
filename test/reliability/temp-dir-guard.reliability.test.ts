import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import suite from '../../vitest.config.js';
import { RUN_TEMP_PREFIX, sweepDeadRuns } from '../setup/temp-dir-guard.js';
import { tempDir } from '../support/temp-dirs.js';

// A test run leaves nothing in the OS temp dir: the suite's globalSetup gives the run a private
// TMPDIR and fails the run naming whatever is left in it. This proves the guard is on and that it
// fails a real vitest run whose test leaves a directory — and passes one that cleans up.
const CONFIG = fileURLToPath(new URL('./fixtures/temp-dir-guard/vitest.config.ts', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

function runFixture(name: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [VITEST, 'run', '--config', CONFIG, name], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The private temp dirs of nested runs, in this run's own temp dir. */
const nestedRunDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith(RUN_TEMP_PREFIX));

it('the suite runs every test under the temp-dir guard', () => {
  expect(suite.test?.globalSetup).toContain('test/setup/temp-dir-guard.ts');
  expect(tmpdir()).toContain(`/${RUN_TEMP_PREFIX}`);
});

it('a real vitest run whose test leaves a directory in the temp dir fails, naming it, and the directory is gone afterwards', () => {
  const run = runFixture('leaves-a-dir');
  expect(run.status, run.output).toBe(1);
  expect(run.output).toContain('1 passed');
  expect(run.output).toMatch(/temp-dir guard: the test run left 1 entry in the temp directory/);
  expect(run.output).toMatch(/bs-guard-fixture-left-\w+\/ \(0 entries\)/);
  expect(nestedRunDirs()).toEqual([]);
}, 100_000);

it('a real vitest run whose tests make their directories with test/support/temp-dirs passes', () => {
  const run = runFixture('cleans-up');
  expect(run.status, run.output).toBe(0);
  expect(run.output).toContain('1 passed');
  expect(run.output).not.toContain('temp-dir guard');
  expect(nestedRunDirs()).toEqual([]);
}, 100_000);

it('a failing test’s directories from test/support/temp-dirs are removed too: the run fails for the test, not for a leftover', () => {
  const run = runFixture('failing-test');
  expect(run.status, run.output).toBe(1);
  expect(run.output).toContain('1 failed');
  expect(run.output).toContain('this fixture test fails on purpose');
  expect(run.output).not.toContain('temp-dir guard');
  expect(nestedRunDirs()).toEqual([]);
}, 100_000);

it('at start, removes the private temp dirs of runs killed before their teardown, and no other run\u2019s', async () => {
  const root = await tempDir('bs-guard-sweep-');
  const dead = spawn('true');
  await new Promise((resolve) => dead.once('exit', resolve));
  for (const name of [`${RUN_TEMP_PREFIX}${dead.pid}-AbC123`, `${RUN_TEMP_PREFIX}${process.pid}-LiVe99`, `${RUN_TEMP_PREFIX}AbC123`, 'bs-cli-xyz']) mkdirSync(join(root, name));
  expect(sweepDeadRuns(root)).toEqual([`${RUN_TEMP_PREFIX}${dead.pid}-AbC123`]);
  expect(readdirSync(root).sort()).toEqual([`${RUN_TEMP_PREFIX}${process.pid}-LiVe99`, `${RUN_TEMP_PREFIX}AbC123`, 'bs-cli-xyz'].sort());
});
