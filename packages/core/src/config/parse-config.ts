import { configInput, type LoadedConfig, type ParseConfigOptions } from './load-config.js';
import type { BuildSecretsConfig } from './schema.js';
import { rethrowScrubbed } from './scrub-issues.js';
import { validateConfig } from './validate.js';

/**
 * Parse, interpolate and validate a config given as text (YAML, or JSON when `file` ends in
 * `.json`) or as an object (which is interpolated too; it is not modified).
 *
 * @example
 * ```ts
 * const { config, sensitive } = parseConfig({ version: 1, providers: { local: { use: 'env' } }, secrets: {} }, { env: process.env });
 * ```
 * @throws ConfigError with every issue found; no message quotes a value from the config or the environment.
 */
export function parseConfig(input: string | object, options: ParseConfigOptions): LoadedConfig {
  // Its own module (not load-config.ts), since it imports the zod schema: loadConfig does not.
  const { file, interpolated, baseDir } = configInput(input, options);
  let config: BuildSecretsConfig;
  try {
    config = validateConfig(interpolated.value, { file, interpolatedPaths: interpolated.interpolatedPaths, priorIssues: interpolated.issues });
  } catch (error) {
    rethrowScrubbed(error, interpolated.sensitive);
  }
  return { config, file, baseDir, sensitive: interpolated.sensitive };
}
