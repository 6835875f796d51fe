import { createBuildSecrets, type BuildSecrets, type CreateBuildSecretsOptions } from '@buildsecrets/core';
import { CLI_PROVIDERS } from './cli-providers.js';

/**
 * Make a full library instance (config, providers, the DI composition, strategies, engine). Kept in
 * its own module and imported only when a command opens one, so `plan`, `--help`, `version` and
 * `completion` never load the composition (tsyringe, reflect-metadata, strategies, engine, audit).
 */
export function openInstance(options: CreateBuildSecretsOptions): Promise<BuildSecrets> {
  return createBuildSecrets({ ...options, providers: { ...CLI_PROVIDERS, ...options.providers } });
}
