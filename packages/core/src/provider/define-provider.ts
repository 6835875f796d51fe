import type { ProviderDefinition } from './types.js';

/** The plugin contract versions this core can load. */
export const SUPPORTED_PROVIDER_API_VERSIONS: readonly number[] = [1];

/**
 * Declare a provider. An identity function that fixes the types, so plugin authors get
 * `options` typed from their schema.
 *
 * @example
 * ```ts
 * import { defineProvider, z, SecretValue, SecretNotFoundError } from '@buildsecrets/core';
 *
 * export default defineProvider({
 *   apiVersion: 1,
 *   name: 'static',
 *   optionsSchema: z.object({ values: z.record(z.string(), z.string()) }).strict(),
 *   capabilities: {},
 *   create: (options, ctx) => ({
 *     async resolve(requests) {
 *       return requests.map((r) => r.ref in options.values
 *         ? { id: r.id, ok: true as const, value: SecretValue.from(options.values[r.ref]!) }
 *         : { id: r.id, ok: false as const, error: new SecretNotFoundError(`no value named ${r.ref}`, { secretId: r.id, provider: ctx.instanceName }) });
 *     },
 *     dispose() {},
 *   }),
 * });
 * ```
 */
export function defineProvider<Options>(definition: ProviderDefinition<Options>): ProviderDefinition<Options> {
  return definition;
}
