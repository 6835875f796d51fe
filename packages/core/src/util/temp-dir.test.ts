import { readdir, stat, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, secretTempRoot } from './temp-dir.js';

describe('makeTempDir', () => {
  it('prefers BUILDSECRETS_TMPDIR, then /dev/shm (tmpfs), then the OS temp dir', () => {
    expect(secretTempRoot({ BUILDSECRETS_TMPDIR: '/x' })).toBe('/x');
    expect(['/dev/shm', tmpdir()]).toContain(secretTempRoot({}));
  });

  it('makes a 0700 directory and removes it with its files (idempotently)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bs-td-'));
    const dir = await makeTempDir('unit', { BUILDSECRETS_TMPDIR: root });
    expect((await stat(dir.path)).mode & 0o777).toBe(0o700);
    await writeFile(join(dir.path, 'secret'), 'x'.repeat(64), { mode: 0o600 });
    await Promise.all([dir.remove(), dir.remove()]);
    expect(await readdir(root)).toEqual([]);
  });
});
