import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

/** The dependency fields of a package.json that make a package importable by it. */
export interface DependencyManifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
// Static imports/exports, dynamic import() and require() with a literal specifier.
const SPECIFIERS = [
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /(?:^|[;{}\n])\s*import\s*['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** `@scope/name/deep/path` → `@scope/name`; `name/deep` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(?:\/.*)?$/i;

/** Source without comments (TSDoc examples quote imports that are not made). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Bare package names a JavaScript source imports (relative paths, URLs and builtins left out). */
export function importedPackages(source: string): string[] {
  const found = new Set<string>();
  const code = withoutComments(source);
  for (const pattern of SPECIFIERS) {
    for (const m of code.matchAll(pattern)) {
      const spec = m[1]!;
      if (!PACKAGE_NAME.test(spec) && !spec.startsWith('.') && !spec.startsWith('/')) continue;
      if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('#') || /^[a-z]+:/.test(spec) && !spec.startsWith('node:')) continue;
      if (BUILTINS.has(spec) || spec.startsWith('node:')) continue;
      found.add(packageOf(spec));
    }
  }
  return [...found];
}

/**
 * Imports of a published package that its manifest does not declare: each `.js` file it ships is
 * read and every bare specifier must be the package itself or one of its dependencies, peer or
 * optional dependencies. Returns `file: package` per problem.
 */
export function undeclaredImports(root: string, files: readonly string[], manifest: DependencyManifest): string[] {
  const declared = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]);
  const problems: string[] = [];
  for (const file of files.filter((f) => /\.(?:m|c)?js$/.test(f))) {
    for (const name of importedPackages(readFileSync(join(root, file), 'utf8'))) if (!declared.has(name)) problems.push(`${file}: ${name}`);
  }
  return problems;
}
