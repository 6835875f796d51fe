import { configJsonSchema } from '@buildsecrets/core';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** `buildsecrets schema`: the JSON Schema of the config file. */
export const schemaCommand: CliCommand = {
  name: 'schema',
  summary: 'print the JSON Schema of buildsecrets.yaml (for editor completion)',
  usage: 'schema > buildsecrets.schema.json',
  details: 'Point your editor at it, e.g. first line of buildsecrets.yaml: # yaml-language-server: $schema=./buildsecrets.schema.json',
  maxPositionals: 0,
  options: {},
  async run(ctx) {
    ctx.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return EXIT.ok;
  },
};
