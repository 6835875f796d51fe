import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const REPO = join(import.meta.dirname, '..', '..', '..');

/** One `npm pack` result: the package, its tarball and the paths inside it (relative to `package/`). */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** Workspace folder, relative to the repository root. */
  readonly dir: string;
  /** Absolute path of the .tgz. */
  readonly tarball: string;
  readonly files: readonly string[];
}

/** Every publishable workspace: base, audit, core, each provider, the test-kit and the CLI. */
export function publishableWorkspaces(): string[] {
  const providers = readdirSync(join(REPO, 'packages/providers'))
    .map((d) => `packages/providers/${d}`)
    .filter((d) => existsSync(join(REPO, d, 'package.json')));
  return ['packages/base', 'packages/audit', 'packages/core', ...providers, 'packages/test-kit', 'packages/cli'];
}

/** `npm pack` the workspaces into `destination` (no network: packing reads only the working tree). */
export function packWorkspaces(workspaces: readonly string[], destination: string): PackedPackage[] {
  mkdirSync(destination, { recursive: true });
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...workspaces.flatMap((w) => ['--workspace', w])];
  const out = execFileSync('npm', args, { cwd: REPO, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const parsed = JSON.parse(out) as { name: string; version: string; filename: string; files: { path: string }[] }[];
  return parsed.map((p, i) => ({
    name: p.name,
    version: p.version,
    dir: workspaces[i]!,
    tarball: join(destination, p.filename),
    files: p.files.map((f) => f.path).sort(),
  }));
}

/** Unpack a tarball into `into` (its files land under `into/package/`), for reading manifests and maps. */
export function unpack(tarball: string, into: string): string {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', into], { timeout: 30_000 });
  return join(into, 'package');
}
