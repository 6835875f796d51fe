import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import suite from '../../vitest.config.js';

// A test that asserts nothing passes whatever the code does. The suite turns on vitest's
// `expect.requireAssertions`; this proves the setting is on and that it fails such a test in a
// real vitest run (a "does not throw" must be written as `expect(() => …).not.toThrow()`).
it('the suite requires every test to make an assertion', () => {
  expect(suite.test?.expect?.requireAssertions).toBe(true);
});

it('a real vitest run with the suite’s expect settings fails a test without assertions and passes the explicit ones', () => {
  const config = fileURLToPath(new URL('./fixtures/no-assertions/vitest.config.ts', import.meta.url));
  const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [vitest, 'run', '--config', config, '--reporter=verbose'], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  const output = `${run.stdout}${run.stderr}`;
  expect(run.status, output).toBe(1);
  expect(output).toMatch(/× .*asserts nothing/);
  expect(output).toContain('expected any number of assertion, but got none');
  expect(output).toMatch(/✓ .*states its "does not throw" as an assertion/);
  expect(output).toMatch(/✓ .*awaits a promise through resolves/);
}, 100_000);
