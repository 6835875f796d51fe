import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Conditions an ESM `import()` in Node matches, in priority order. */
const CONDITIONS = new Set(['node', 'import', 'default']);
const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*(\/[^\\]*)?$/i;

/** Whether `specifier` can be an npm package name, optionally with a subpath. */
export function isPackageSpecifier(specifier: string): boolean {
  return NPM_NAME.test(specifier) && !specifier.startsWith('.') && !specifier.includes('..');
}

function splitSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(count).join('/');
  return { name: parts.slice(0, count).join('/'), subpath: rest ? `./${rest}` : '.' };
}

function resolveTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const hit = resolveTarget(item);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
  if (typeof target !== 'object' || target === null) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (!CONDITIONS.has(condition)) continue;
    const hit = resolveTarget(value);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function resolveExports(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap = typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? resolveTarget(exports) : undefined;
  const map = exports as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(map, subpath)) return resolveTarget(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star === -1) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      const target = resolveTarget(value);
      return target?.replaceAll('*', subpath.slice(prefix.length, subpath.length - suffix.length));
    }
  }
  return undefined;
}

function firstFile(candidates: readonly string[]): string | undefined {
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function entryOf(packageDir: string, subpath: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: unknown; main?: unknown };
  if (manifest.exports !== undefined) {
    const target = resolveExports(manifest.exports, subpath);
    return target === undefined ? undefined : firstFile([join(packageDir, target)]);
  }
  const base = join(packageDir, subpath === '.' ? (typeof manifest.main === 'string' ? manifest.main : 'index.js') : subpath);
  return firstFile([base, `${base}.js`, `${base}.mjs`, `${base}.cjs`, join(base, 'index.js')]);
}

/** Where a package was looked for and what was found. */
export type PackageResolution =
  | { readonly kind: 'found'; readonly file: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'no-entry'; readonly packageDir: string };

/**
 * Resolve an npm package (with optional subpath) the way `import()` would from a file in
 * `fromDir`: the node_modules directories up from there, `exports` with the import conditions,
 * else `main`. Node's own resolvers cannot take a parent for ESM on Node 20, and `require.resolve`
 * ignores import-only exports, so the lookup is done here.
 */
export function resolvePackage(specifier: string, fromDir: string): PackageResolution {
  const { name, subpath } = splitSpecifier(specifier);
  const searchPaths = createRequire(join(fromDir, 'noop.js')).resolve.paths(name) ?? [];
  for (const nodeModules of searchPaths) {
    const packageDir = join(nodeModules, name);
    if (!existsSync(join(packageDir, 'package.json'))) continue;
    let file: string | undefined;
    try {
      file = entryOf(packageDir, subpath);
    } catch {
      file = undefined;
    }
    return file === undefined ? { kind: 'no-entry', packageDir } : { kind: 'found', file };
  }
  return { kind: 'missing' };
}
