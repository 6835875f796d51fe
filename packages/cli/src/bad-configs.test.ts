import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BAD_CONFIGS, BAD_CONFIG_CANARY } from '../../core/src/config/__fixtures__/bad-configs.js';
import { runCliCaptured } from './test-support/run-cli-captured.js';
import { tempDir } from '../../../test/support/temp-dirs.js';

// The same table of malformed configs the loader is tested with, through the CLI: each must end
// in exit 2 with the path named, one paragraph, no stack trace, and never the canary.
describe('buildsecrets plan on a malformed config', () => {
  for (const row of BAD_CONFIGS) {
    it(`exits 2: ${row.name}`, async () => {
      const dir = await tempDir('bs-bad-');
      const file = join(dir, row.format === 'json' ? 'buildsecrets.json' : 'buildsecrets.yaml');
      await writeFile(file, row.text);
      const r = await runCliCaptured(['plan', '--config', file], { env: { ...(row.env ?? {}) }, cwd: dir });
      expect(r.code).toBe(2);
      if (row.expectPath) expect(r.stderr).toContain(`${row.expectPath}:`);
      expect(r.stderr).toMatch(/^\[buildsecrets\]/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout + r.stderr).not.toContain(BAD_CONFIG_CANARY);
    });
  }
});
