import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** The package.json fields the rules read. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly type?: string;
  readonly license?: string;
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string } | string;
  readonly engines?: { readonly node?: string };
  readonly exports?: Record<string, unknown>;
  readonly main?: string;
  readonly types?: string;
  readonly files?: readonly string[];
  readonly bin?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly publishConfig?: { readonly access?: string };
}

/** Names a published tarball must never contain: tests, build state, fixtures, key material. */
const FORBIDDEN_FILES: readonly [RegExp, string][] = [
  [/\.test\.[cm]?[jt]s(\.map)?$|\.test\.d\.ts(\.map)?$/, 'a test file'],
  [/(^|\/)__(fixtures|snapshots|tests)__\//, 'a test fixture'],
  [/(^|\/)test-support\//, 'a test helper'],
  [/\.tsbuildinfo$/, 'tsc build state'],
  [/(^|\/)(\.env(\..*)?|\.netrc|id_(rsa|ed25519|ecdsa)|.*\.(pem|key|p12|pfx))$/, 'key material or a secrets file'],
  [/(^|\/)secrets\//, 'a secrets directory'],
];

/**
 * Every problem with one unpacked package: its manifest fields (what resolvers, registries and
 * `engines` checks read) and its files. `root` is the unpacked `package/` directory.
 */
export function packageProblems(manifest: Manifest, files: readonly string[], root: string, workspaceDir: string, workspaceRoot: string): string[] {
  const problems: string[] = [];
  const has = (path: string | undefined): boolean => path !== undefined && files.includes(normalize(path).replace(/^\.\//, ''));
  if (manifest.private) problems.push('is private');
  if (manifest.type !== 'module') problems.push('"type" is not "module"');
  if (!manifest.license) problems.push('has no "license"');
  if (!files.includes('LICENSE')) problems.push('ships no LICENSE file');
  const repo = manifest.repository;
  if (typeof repo !== 'object' || !repo.url || repo.directory !== workspaceDir) problems.push(`"repository" must be an object with url and directory "${workspaceDir}"`);
  if (!/^>=\s*20(\.\d+)*$/.test(manifest.engines?.node ?? '')) problems.push(`"engines.node" must be ">=20…" (is ${JSON.stringify(manifest.engines?.node)})`);
  if (!Array.isArray(manifest.files) || manifest.files.length === 0) problems.push('has no "files" allow-list');
  if (manifest.name.startsWith('@') && manifest.publishConfig?.access !== 'public') problems.push('is scoped but "publishConfig.access" is not "public"');

  const root_ = manifest.exports?.['.'];
  if (typeof root_ !== 'object' || root_ === null) problems.push('"exports" has no "." entry with conditions');
  else {
    const conditions = Object.keys(root_);
    if (conditions[0] !== 'types') problems.push(`"exports"["."] must list "types" first (has ${conditions.join(', ')})`);
    for (const [condition, target] of Object.entries(root_)) {
      if (typeof target !== 'string' || !has(target)) problems.push(`"exports"["."].${condition} points at ${String(target)}, which is not in the tarball`);
    }
  }
  if (!has(manifest.types)) problems.push(`"types" (${String(manifest.types)}) is not in the tarball`);
  if (!has(manifest.main)) problems.push(`"main" (${String(manifest.main)}) is not in the tarball`);
  for (const [bin, target] of Object.entries(manifest.bin ?? {})) {
    if (!has(target)) problems.push(`bin ${bin} (${target}) is not in the tarball`);
    else if (!readFileSync(join(root, target), 'utf8').startsWith('#!/usr/bin/env node')) problems.push(`bin ${bin} has no "#!/usr/bin/env node" line`);
  }
  if (manifest.dependencies?.['@buildsecrets/core'] && manifest.peerDependencies?.['@buildsecrets/core']) problems.push('lists @buildsecrets/core as both dependency and peer');

  for (const file of files) {
    for (const [pattern, what] of FORBIDDEN_FILES) if (pattern.test(file)) problems.push(`ships ${what}: ${file}`);
  }
  problems.push(...sourceMapProblems(files, root, workspaceRoot));
  return problems;
}

/** dist files whose source no longer exists in the workspace: left over from an earlier build, not a "files" mistake. */
export function staleOutputs(files: readonly string[], root: string, workspaceRoot: string): string[] {
  return files.filter((f) => f.endsWith('.js.map')).filter((map) => mapSources(map, root).some((source) => !existsSync(join(dirname(join(workspaceRoot, map)), source))));
}

function mapSources(map: string, root: string): string[] {
  return (JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources?: string[] }).sources ?? [];
}

/**
 * Source maps must point at files that ship, or debuggers and "go to definition" land nowhere.
 * A map whose source is gone from the workspace too is stale output of an earlier build
 * ({@link staleOutputs}); a clean build (CI) has none, so it is not counted here.
 */
function sourceMapProblems(files: readonly string[], root: string, workspaceRoot: string): string[] {
  const problems: string[] = [];
  for (const map of files.filter((f) => f.endsWith('.map'))) {
    for (const source of mapSources(map, root)) {
      const shipped = existsSync(join(dirname(join(root, map)), source));
      const inWorkspace = existsSync(join(dirname(join(workspaceRoot, map)), source));
      if (!shipped && inWorkspace) problems.push(`${map} points at ${source}, which exists in the workspace but is not in the tarball (fix "files")`);
    }
  }
  return problems;
}
