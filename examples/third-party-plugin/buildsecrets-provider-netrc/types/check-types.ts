// Not shipped: `npm run typecheck` proves the hand-written declarations match the JSDoc-typed code.
import type { ProviderDefinition } from '@buildsecrets/core';
import implementation, { NETRC_KEYS as keys, netrcOptionsSchema as schema } from '../src/index.js';
import type { NetrcOptions, NETRC_KEYS, netrcOptionsSchema } from './index.js';

export const definition: ProviderDefinition<NetrcOptions> = implementation;
export const declaredKeys: typeof NETRC_KEYS = keys;
export const declaredSchema: typeof netrcOptionsSchema = schema;
