import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './test-support/run-cli-captured.js';
import { tempDir } from '../../../test/support/temp-dirs.js';

// Key names describe a secret's content (`aws_secret_access_key`, `prod_db_password`): a missing
// `key` error gives their number; only --verbose lists them.
describe('a missing `key` of a JSON secret', () => {
  it('shows the count of keys, not their names; --verbose shows the names', async () => {
    const dir = await tempDir('bs-missing-key-');
    await writeFile(join(dir, 'buildsecrets.yaml'), 'version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  db: { from: local, ref: DB_JSON, key: password }\n');
    const env = { DB_JSON: JSON.stringify({ prod_user_name: 'u', prod_replica_host: 'h' }) };
    for (const args of [['check'], ['check', '--json']]) {
      const r = await runCliCaptured(args, { cwd: dir, env });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain('it has 2 keys');
      expect(r.stdout + r.stderr).not.toMatch(/prod_user_name|prod_replica_host/);
    }
    const verbose = await runCliCaptured(['check', '--verbose'], { cwd: dir, env });
    expect(verbose.stdout).toContain('detail: keys present: prod_replica_host, prod_user_name');
  });
});
