import type { BuildSecretsConfig } from '../config/schema.js';

/**
 * The short account `build` gives without --verbose (info level): where the secrets came from and
 * how long resolving took, which engine was chosen, how long the engine ran. Names providers and
 * counts only, never a value. The audit's own summary line follows it (post-build audit).
 */
export function resolvedLine(config: BuildSecretsConfig, ids: readonly string[], ms: number): string {
  const count = ids.length;
  const perProvider = new Map<string, number>();
  for (const id of ids) {
    // A rendered secret comes from no provider: it is counted as "template".
    const from = config.secrets[id]?.from ?? 'template';
    perProvider.set(from, (perProvider.get(from) ?? 0) + 1);
  }
  const from = [...perProvider].map(([name, n]) => `${name} (${name === 'template' && !config.providers[name] ? 'rendered' : config.providers[name]?.use ?? '?'})${n > 1 ? ` ×${n}` : ''}`).join(', ');
  return `resolved ${count} secret${count === 1 ? '' : 's'}${from ? ` from ${from}` : ''} in ${formatMs(ms)}`;
}

/** The engine line: the engine's name and its (daemon's) version. */
export function engineLine(name: string, version: string): string {
  return `engine: ${name} (${version})`;
}

/** The build line: how long the engine ran. */
export function builtLine(ms: number, imageId: string | undefined): string {
  return `built${imageId ? ` ${imageId.slice(0, 19)}` : ''} in ${formatMs(ms)}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
