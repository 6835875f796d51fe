import { cacheModeOf } from '../cache/cache-mode.js';
import type { BuildSecretsConfig } from './schema.js';

/** The secret ids each rendered secret's template embeds (from `loadTemplates`). */
export type TemplateReferences = ReadonlyMap<string, readonly string[]>;

/**
 * The other secrets one secret cannot be delivered without: its key passphrase
 * (`passphraseFrom`), for a rendered secret every secret its template names, and for a
 * `cache: keyed` secret the key its rev is an HMAC under (`build.cacheKeyFrom`). A build that
 * needs a secret needs these too, even when they are `inject: none`.
 */
export function directDependencies(config: BuildSecretsConfig, id: string, templateRefs?: TemplateReferences): string[] {
  const entry = config.secrets[id];
  if (!entry) return [];
  const cacheKey = config.build?.cacheKeyFrom !== undefined && cacheModeOf(entry, config.build) === 'keyed' ? [config.build.cacheKeyFrom] : [];
  return [...(entry.passphraseFrom ? [entry.passphraseFrom] : []), ...(templateRefs?.get(id) ?? []), ...cacheKey];
}

/** `ids` plus everything they depend on, transitively (cycles are a config error reported elsewhere). */
export function withDependencies(config: BuildSecretsConfig, ids: Iterable<string>, templateRefs?: TemplateReferences): Set<string> {
  const out = new Set<string>();
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (out.has(id) || !config.secrets[id]) continue;
    out.add(id);
    queue.push(...directDependencies(config, id, templateRefs));
  }
  return out;
}
