import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackedPackage } from './pack.js';
import { REPO, unpack } from './pack.js';

/** How the tarballs got installed: from the npm cache only, cache first then registry, or linked third-party deps. */
export type InstallMode = 'offline' | 'prefer-offline' | 'linked-deps';

function npmInstall(project: string, mode: '--offline' | '--prefer-offline', specs: readonly string[]): { ok: boolean; log: string } {
  const r = spawnSync('npm', ['install', mode, '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', ...specs], {
    cwd: project,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fetch_retries: '0', npm_config_fetch_timeout: '15000' },
  });
  return { ok: r.status === 0, log: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * The last resort, without npm (exported for a manual check of this path): unpack each tarball
 * into node_modules and link only the third-party packages they DECLARE from the repository's
 * node_modules (their own deps resolve from there, by realpath).
 */
export function linkInstall(project: string, packed: readonly PackedPackage[]): void {
  const modules = join(project, 'node_modules');
  for (const p of packed) {
    const target = join(modules, ...p.name.split('/'));
    mkdirSync(join(target, '..'), { recursive: true });
    const staging = join(project, '.unpack', p.name.replace('/', '+'));
    execFileSync('mv', [unpack(p.tarball, staging), target]);
    const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    for (const [bin, file] of Object.entries(manifest.bin ?? {})) {
      mkdirSync(join(modules, '.bin'), { recursive: true });
      chmodSync(join(target, file), 0o755); // npm sets this on install; tarballs carry 0644
      symlinkSync(join(target, file), join(modules, '.bin', bin));
    }
  }
  // Only what the packages declare: an import of anything else must fail here as it would for a
  // user. (Third-party packages resolve their own dependencies from their real location.)
  const repoModules = join(REPO, 'node_modules');
  for (const name of declaredThirdPartyDeps(packed)) {
    const link = join(modules, name);
    if (existsSync(link) || !existsSync(join(repoModules, name))) continue;
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(join(repoModules, name), link, 'dir');
  }
}

/** Third-party dependencies, peer and optional dependencies the packed packages declare. */
export function declaredThirdPartyDeps(packed: readonly PackedPackage[]): string[] {
  const names = new Set<string>();
  for (const p of packed) {
    const manifest = JSON.parse(readFileSync(join(REPO, p.dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) for (const name of Object.keys(manifest[field] ?? {})) names.add(name);
  }
  return [...names].filter((n) => !n.startsWith('@buildsecrets/') && n !== 'buildsecrets').sort();
}

/**
 * Install the tarballs into a fresh project: `--offline` (the npm cache only), else
 * `--prefer-offline`, else {@link linkInstall}. `@types/node` is pinned to the repository's
 * version because a transitive `>=13` range would otherwise pick the newest one in the cached
 * packument, whose tarball the cache does not hold.
 */
export function installTarballs(project: string, packed: readonly PackedPackage[]): { mode: InstallMode; log: string } {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'packaging-check', version: '0.0.0', private: true, type: 'module' }));
  const typesNode = JSON.parse(readFileSync(join(REPO, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string };
  const specs = [`@types/node@${typesNode.version}`, ...packed.map((p) => p.tarball)];
  const offline = npmInstall(project, '--offline', specs);
  if (offline.ok) return { mode: 'offline', log: offline.log };
  const preferOffline = npmInstall(project, '--prefer-offline', specs);
  if (preferOffline.ok) return { mode: 'prefer-offline', log: `${offline.log}\n${preferOffline.log}` };
  linkInstall(project, packed);
  return { mode: 'linked-deps', log: `${offline.log}\n${preferOffline.log}` };
}
