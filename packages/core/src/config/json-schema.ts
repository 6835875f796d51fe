import { z } from 'zod';
import { configSchema } from './schema.js';

/** The `$id` of the published schema; editors fetch it from `$schema:` in a config. */
export const CONFIG_JSON_SCHEMA_ID = 'https://raw.githubusercontent.com/buildsecrets/buildsecrets/main/packages/core/src/config/__snapshots__/config.schema.json';

/**
 * The JSON Schema of `buildsecrets.yaml`, generated from the zod schema (input side, so defaults
 * are optional). Shipped with the CLI (`buildsecrets schema`) for editor completion.
 *
 * @example
 * ```ts
 * writeFileSync('config.schema.json', JSON.stringify(configJsonSchema(), null, 2));
 * ```
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: CONFIG_JSON_SCHEMA_ID,
    title: 'buildsecrets config',
    description: 'buildsecrets.yaml: named secret providers and the secrets a Docker build mounts. See https://github.com/buildsecrets/buildsecrets#config-reference',
    ...rest,
  };
}
