import { readdir, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, secretTempRoot } from './temp-dir.js';
import { tempDir } from '../../../../test/support/temp-dirs.js';

describe('makeTempDir', () => {
  it('prefers BUILDSECRETS_TMPDIR, then /dev/shm (tmpfs), then the OS temp dir', () => {
    expect(secretTempRoot({ BUILDSECRETS_TMPDIR: '/x' })).toBe('/x');
    expect(['/dev/shm', tmpdir()]).toContain(secretTempRoot({}));
  });

  it('puts secret files on /dev/shm (tmpfs) when the host has it, with no override', async () => {
    // The claim "never on disk" rests on this: no BUILDSECRETS_TMPDIR here, so the real default is under test.
    if (!existsSync('/dev/shm')) {
      expect(secretTempRoot({})).toBe(tmpdir());
      return;
    }
    expect(secretTempRoot({})).toBe('/dev/shm');
    const dir = await makeTempDir('unit-shm', {});
    try {
      expect(dir.path.startsWith('/dev/shm/buildsecrets-unit-shm-')).toBe(true);
    } finally {
      await dir.remove();
    }
  });

  it('makes a 0700 directory and removes it with its files (idempotently)', async () => {
    const root = await tempDir('bs-td-');
    const dir = await makeTempDir('unit', { BUILDSECRETS_TMPDIR: root });
    expect((await stat(dir.path)).mode & 0o777).toBe(0o700);
    await writeFile(join(dir.path, 'secret'), 'x'.repeat(64), { mode: 0o600 });
    await Promise.all([dir.remove(), dir.remove()]);
    expect(await readdir(root)).toEqual([]);
  });
});
