import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Compiled files older than their TypeScript source (or missing): what a test that runs `dist`
 * (the bundled CLI, packaging, child processes) would silently run stale. Walks each project the
 * root tsconfig references; test files and fixtures are not compiled, so they are skipped.
 */
export function staleDistFiles(root: string): string[] {
  const references = (JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { references: { path: string }[] }).references;
  const stale: string[] = [];
  for (const { path } of references) {
    const src = join(root, path, 'src');
    const dist = join(root, path, 'dist');
    if (!existsSync(src)) continue;
    for (const name of readdirSync(src, { recursive: true }) as string[]) {
      if (!name.endsWith('.ts') || name.endsWith('.d.ts') || /\.test\.ts$/.test(name) || /(^|\/)(__fixtures__|__snapshots__)\//.test(name)) continue;
      const source = join(src, name);
      const output = join(dist, name.replace(/\.ts$/, '.js'));
      if (!existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) stale.push(relative(root, source));
    }
  }
  return stale;
}
