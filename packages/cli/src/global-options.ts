import type { OptionSpecs } from './args.js';

/** Options accepted by every command. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  config: { type: 'string', value: 'FILE', description: 'config file (default: BUILDSECRETS_CONFIG, else buildsecrets.yaml found walking up to the repository root)' },
  json: { type: 'boolean', description: 'machine-readable output' },
  verbose: { type: 'boolean', description: 'debug logs, secret ids in redactions, error causes' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};
