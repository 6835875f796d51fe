import type { z } from '@buildsecrets/core';
import type { EnvProviderOptions } from './index.js';

/** A variable-name prefix: what `prefix` must look like. */
const PREFIX = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The env provider's options schema, built with the given zod (on first use, see index.ts). */
export function envOptionsSchema(zod: typeof z) {
  return zod
    .object({
      prefix: zod.string().regex(PREFIX).optional().describe('Prepended to every ref: `prefix: CI_` makes ref `TOKEN` read `CI_TOKEN`.'),
    })
    .strict();
}

/**
 * The usual env options without zod: none, or a well-formed `prefix`. Returns what the schema
 * returns for them, or `undefined` to let the schema decide (and word the problem).
 */
export function parseEnvOptionsFast(options: Readonly<Record<string, unknown>>): EnvProviderOptions | undefined {
  const keys = Object.keys(options);
  if (keys.length === 0) return {};
  if (keys.length !== 1 || keys[0] !== 'prefix') return undefined;
  const prefix = options['prefix'];
  return typeof prefix === 'string' && PREFIX.test(prefix) ? { prefix } : undefined;
}
