import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The external linters, pinned so the npm cache can serve them without the network. */
export const LINT_TOOLS = { publint: 'publint@0.3.25', attw: '@arethetypeswrong/cli@0.18.5' } as const;

/** Paths of the linters' executables, or why they are not available. */
export type LintTools = { readonly available: true; readonly publint: string; readonly attw: string } | { readonly available: false; readonly reason: string };

/**
 * Install publint and attw into `prefix` (outside the repository) from the npm cache only. When
 * the cache lacks them the packaging test still enforces the same key rules itself
 * (manifest-rules.ts); these add their full rule sets when they can be had offline.
 */
export function installLintTools(prefix: string): LintTools {
  const r = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-save', '--prefix', prefix, LINT_TOOLS.publint, LINT_TOOLS.attw], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const bin = (name: string): string => join(prefix, 'node_modules', '.bin', name);
  if (r.status !== 0 || !existsSync(bin('publint')) || !existsSync(bin('attw'))) {
    return { available: false, reason: `not in the npm cache (${(r.stderr ?? '').split('\n').find((l) => l.includes('ENOTCACHED')) ?? `npm exited ${String(r.status)}`})` };
  }
  return { available: true, publint: bin('publint'), attw: bin('attw') };
}
