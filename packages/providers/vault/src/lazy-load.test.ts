import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('lazy vendor import', () => {
  it('loads node-vault only when a provider instance is created', async () => {
    const script = fileURLToPath(new URL('./__fixtures__/lazy-load.mjs', import.meta.url));
    const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, entry], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ afterImport: false, afterCreate: true });
  });
});
