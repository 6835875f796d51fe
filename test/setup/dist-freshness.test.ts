import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staleDistFiles } from './dist-freshness.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function project(files: Record<string, number>): string {
  root = mkdtempSync(join(tmpdir(), 'bs-dist-fresh-'));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ references: [{ path: 'packages/a' }] }));
  for (const [file, mtime] of Object.entries(files)) {
    const path = join(root, 'packages/a', file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '');
    utimesSync(path, mtime, mtime);
  }
  return root;
}

describe('the stale-dist guard of the global setup', () => {
  it('finds a source newer than its compiled file, and a source never compiled', () => {
    const dir = project({ 'src/a.ts': 200, 'dist/a.js': 100, 'src/sub/b.ts': 100, 'dist/sub/b.js': 200, 'src/new.ts': 100 });
    expect(staleDistFiles(dir).sort()).toEqual(['packages/a/src/a.ts', 'packages/a/src/new.ts']);
  });

  it('ignores tests, fixtures and declaration files (they are not compiled)', () => {
    const dir = project({ 'src/a.test.ts': 300, 'src/__fixtures__/f.ts': 300, 'src/types.d.ts': 300 });
    expect(staleDistFiles(dir)).toEqual([]);
  });

});
