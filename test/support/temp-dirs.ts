// Temporary directories for tests that remove themselves: a directory made inside a test (or its
// beforeEach) is removed when that test finishes, passed or failed; one made outside a test (at
// collection, in beforeAll) when the file's tests are done. The temp-dir guard
// (test/setup/temp-dir-guard.ts) fails the run when anything is left behind.
import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished, TestRunner } from 'vitest';

/** Directories made outside a test, removed after the file's last test. */
const forFile = new Set<string>();

// Registered when a test file imports this module (at collection), so it runs after that file's tests.
afterAll(async () => {
  const dirs = [...forFile];
  forFile.clear();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Remove `dir` when the current test finishes, or after the file's tests when there is no current test. */
export function removeAfterTest(dir: string): string {
  if (TestRunner.getCurrentTest()) onTestFinished(() => rm(dir, { recursive: true, force: true }));
  else forFile.add(dir);
  return dir;
}

/** `mkdtemp(join(os.tmpdir(), prefix))`, removed after the test (or the file) that made it. */
export async function tempDir(prefix: string): Promise<string> {
  return removeAfterTest(await mkdtemp(join(tmpdir(), prefix)));
}

/** {@link tempDir}, synchronously — for code that already makes its directory synchronously. */
export function tempDirSync(prefix: string): string {
  return removeAfterTest(mkdtempSync(join(tmpdir(), prefix)));
}

