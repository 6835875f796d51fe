import { defineProvider, lazyOptionsSchema } from '@buildsecrets/core';
import { createDirectoryProvider } from './directory/directory-provider.js';
import { keywhizOptions, parseKeywhizOptionsFast } from './options-schema.js';
import type { KeywhizOptions } from './options.js';

// The definition without zod: its schema is built on first use, so importing it (the CLI's
// `plan`) evaluates no zod. index.ts adds the exported schema constants.
const lazyKeywhizOptionsSchema = lazyOptionsSchema(keywhizOptions);

/**
 * The keywhiz provider. `mode: directory` reads files under `root`; `mode: server` calls
 * `GET <url>/secret/<name>` with a client certificate, trusting only `ca`.
 *
 * @example
 * ```yaml
 * providers:
 *   mounted: { use: keywhiz, options: { mode: directory, root: /run/secrets } }
 *   kw: { use: keywhiz, options: { mode: server, url: "https://keywhiz:4444", clientCert: client.pem, clientKey: client-key.pem, ca: ca.pem } }
 * ```
 */
const keywhizProvider = defineProvider<KeywhizOptions>({
  apiVersion: 1,
  name: 'keywhiz',
  description: 'Keywhiz-style secret directories and the Keywhiz client API over mTLS',
  // Built on first use; the usual directory options are checked without it (parseOptionsFast).
  get optionsSchema() {
    return lazyKeywhizOptionsSchema();
  },
  parseOptionsFast: parseKeywhizOptionsFast,
  // versionIds: directory mode returns `<file>@<content timestamp>` from keywhiz-fs metadata, for `cache: version`.
  capabilities: { keys: true, binary: true, versionIds: true },
  // For `plan`: where a ref points, from the options alone (nothing is read or contacted).
  describeRef: (request, options) => (options.mode === 'directory' ? `file ${request.ref} under ${options.root}` : `keywhiz secret ${request.ref} at ${new URL(options.url).host}`),
  async create(options, context) {
    if (options.mode === 'directory') return createDirectoryProvider(options, context);
    // Loaded only when server mode is used, so directory-mode runs never load the TLS client.
    const { createServerProvider } = await import('./server/server-provider.js');
    return createServerProvider(options, context);
  },
});

export default keywhizProvider;
