/**
 * `@buildsecrets/provider-env`: secrets from environment variables.
 *
 * @packageDocumentation
 */
import { z } from '@buildsecrets/core';
import { envOptionsSchema } from './options.js';

/**
 * Options of the env provider. The provider's own `optionsSchema` is an equal schema built on
 * first use (so importing the provider builds none); this export is for callers that want one.
 */
export const envProviderOptionsSchema = /* @__PURE__ */ envOptionsSchema(z);

/** Parsed options of the env provider. */
export type EnvProviderOptions = z.output<typeof envProviderOptionsSchema>;

export { default } from './definition.js';
