/**
 * `@buildsecrets/provider-exec`: secrets from any executable that follows the summon provider
 * contract (the ref as the last argument, the value on stdout, exit 0).
 *
 * @packageDocumentation
 */
import { defineProvider } from '@buildsecrets/core';
import { createExecProvider } from './exec-provider.js';
import { execOptionsSchema, type ExecOptions } from './options.js';

/**
 * The exec provider: runs `command ...args <ref>` without a shell for each secret, with only the
 * allow-listed environment, a time limit that kills the whole process group, and an output cap.
 *
 * @example
 * ```yaml
 * providers:
 *   conjur: { use: exec, options: { command: summon-conjur, env: [CONJUR_APPLIANCE_URL, CONJUR_AUTHN_API_KEY] } }
 * ```
 */
const execProvider = defineProvider<ExecOptions>({
  apiVersion: 1,
  name: 'exec',
  description: 'summon-compatible executable providers',
  optionsSchema: execOptionsSchema,
  capabilities: { keys: true, binary: true },
  create: (options, context) => createExecProvider(options, context),
});

export default execProvider;
export { execOptionsSchema, type ExecOptions } from './options.js';
export { DEFAULT_NOT_FOUND } from './classify-outcome.js';
