import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Tests import workspace packages by name; point those names at their TypeScript sources so
 * there is exactly one copy of each module in a test process (and no stale dist).
 */
function workspaceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  const dirs = ['packages/base', 'packages/audit', 'packages/core', 'packages/test-kit', 'packages/cli'];
  const providers = join(root, 'packages/providers');
  if (existsSync(providers)) for (const d of readdirSync(providers)) dirs.push(`packages/providers/${d}`);
  for (const dir of dirs) {
    const src = join(root, dir, 'src/index.ts');
    if (!existsSync(src)) continue;
    const name = dir === 'packages/base' ? '@buildsecrets/base'
      : dir === 'packages/audit' ? '@buildsecrets/audit'
      : dir === 'packages/core' ? '@buildsecrets/core'
      : dir === 'packages/test-kit' ? '@buildsecrets/test-kit'
      : dir === 'packages/cli' ? 'buildsecrets'
      : `@buildsecrets/provider-${dir.split('/').pop()}`;
    // A provider's `./definition` subpath (the definition without its exported zod schemas), before
    // the package name, which would otherwise match it as a prefix.
    const definition = join(root, dir, 'src/definition.ts');
    if (name.startsWith('@buildsecrets/provider-') && existsSync(definition)) aliases[`${name}/definition`] = definition;
    aliases[name] = src;
  }
  return aliases;
}

export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A test that asserts nothing passes whatever the code does: every test must make at least one
    // assertion (state a "does not throw" as `expect(() => …).not.toThrow()` / `.resolves`).
    expect: { requireAssertions: true },
    setupFiles: ['test/setup/canary.ts'],
    // temp-dir-guard: the run gets a private TMPDIR and fails when a test leaves anything in it.
    // spill-guard: the run fails when it leaves anything new in /dev/shm, /var/tmp or the containers
    // store's working containers, where builds spill secret copies (after the temp-dir guard: it
    // finds other runs by their private TMPDIRs).
    globalSetup: ['test/setup/temp-dir-guard.ts', 'test/setup/spill-guard.ts', 'test/setup/bundle-cli.ts'],
    // `vitest run --project unit|integration|e2e` (npm run test:unit, …) runs one layer; plain
    // `vitest run` runs all three. unit: each package's own tests and the examples; integration:
    // whole-system behaviour without a container engine (reliability, packaging); e2e: a real engine.
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/**/src/**/*.test.ts', 'examples/**/*.test.ts', 'test/support/**/*.test.ts', 'test/docs/**/*.test.ts', 'test/setup/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/reliability/**/*.test.ts', 'test/packaging/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
