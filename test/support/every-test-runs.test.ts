import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import suite from '../../vitest.config.js';

// A test file that no vitest project includes never runs, and its claims go unproven while the
// suite stays green (the claims-index test under test/docs was such a file). Every *.test.ts in
// the repository must match the include globs of one project.

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The glob shapes the config uses (`**` segments and `*`), as a regular expression. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('**/')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('(?:.*/)?');
  return new RegExp(`^${body}$`);
}

function testFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'fixtures' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) testFiles(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

it('every *.test.ts file is included by a vitest project', () => {
  const projects = (suite.test?.projects ?? []) as { test?: { include?: string[] } }[];
  const globs = projects.flatMap((p) => p.test?.include ?? []).map(globToRegExp);
  expect(globs.length).toBeGreaterThan(0);
  const files = ['packages', 'examples', 'test'].flatMap((d) => testFiles(join(root, d)));
  expect(files.length).toBeGreaterThan(100);
  expect(files.filter((f) => !globs.some((g) => g.test(f)))).toEqual([]);
});
