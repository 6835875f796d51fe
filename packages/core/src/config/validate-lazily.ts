import type { BuildSecretsConfig } from './schema.js';
import { crossReferenceIssues } from './cross-references.js';
import { fastParseConfig } from './fast-config.js';
import type { ValidateConfigOptions } from './validate.js';

/**
 * {@link validateConfig}, with the same result and the same errors, but without loading zod
 * for a config that is fine: the hand-written check (fast-config.ts) reads the usual shapes, and
 * the zod schema is imported only when there is something to report or a shape it does not know.
 */
export async function validateConfigLazily(raw: unknown, options: ValidateConfigOptions = {}): Promise<BuildSecretsConfig> {
  if ((options.priorIssues?.length ?? 0) === 0) {
    const fast = fastParseConfig(raw);
    if (fast !== undefined && crossReferenceIssues(raw, options.interpolatedPaths).length === 0) return fast;
  }
  const { validateConfig } = await import('./validate.js');
  return validateConfig(raw, options);
}
