import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './test-support/run-cli-captured.js';
import { makeCanary } from '../../../test/setup/canary-values.js';
import { tempDir } from '../../../test/support/temp-dirs.js';

// `${VAR}` values are secrets wherever they are interpolated, `providers.<name>.use` included:
// a plugin that cannot be loaded must be named without the value, in text and in --json.
const CANARY = makeCanary('use-path');

describe('an interpolated `use:` value in a plugin-load error', () => {
  for (const use of [`./plugins/\${PLUGIN_DIR}/provider.mjs`, `@acme/\${PLUGIN_DIR}`, `\${PLUGIN_DIR}`]) {
    it(`is redacted in the error text and in --json: use: ${use}`, async () => {
      const dir = await tempDir('bs-use-');
      const file = join(dir, 'buildsecrets.yaml');
      await writeFile(file, `version: 1\nproviders:\n  p:\n    use: "${use}"\nsecrets:\n  s: { from: p, ref: X }\n`);
      for (const extra of [[], ['--json'], ['--verbose']]) {
        const r = await runCliCaptured(['plan', '--config', file, ...extra], { env: { PLUGIN_DIR: CANARY }, cwd: dir });
        expect(r.code).not.toBe(0);
        expect(r.stdout + r.stderr, `plan ${extra.join(' ')}`).not.toContain(CANARY);
        expect(r.stdout + r.stderr).toMatch(/plugin|provider/);
      }
    });
  }
});
