import type { z } from 'zod';
import { zodModule } from './zod-module.js';

/**
 * A provider's options schema, built on first use: `build` receives zod's `z` and runs once, when
 * the schema is first asked for. Use it behind a getter so that importing the plugin (and
 * commands that never validate its options with zod, such as `plan` with a `parseOptionsFast`
 * that knows the usual shapes) builds no schema; the definition keeps the usual shape.
 *
 * @example
 * ```ts
 * const options = lazyOptionsSchema((z) => z.object({ prefix: z.string().optional() }).strict());
 * export default defineProvider({
 *   apiVersion: 1,
 *   name: 'static',
 *   get optionsSchema() { return options(); },
 *   capabilities: {},
 *   create: (opts) => ({ resolve: async () => [], dispose() {} }),
 * });
 * ```
 * @returns a function returning the one schema `build` made.
 */
export function lazyOptionsSchema<Schema extends z.ZodType>(build: (zod: typeof z) => Schema): () => Schema {
  let schema: Schema | undefined;
  return () => (schema ??= build(zodModule().z));
}
