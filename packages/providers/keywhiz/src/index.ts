/**
 * `@buildsecrets/provider-keywhiz`: secrets from Keywhiz-style directories (keywhiz-fs mounts,
 * Docker and Kubernetes secret volumes) or from the Keywhiz client API over mutual TLS.
 *
 * @packageDocumentation
 */
export { default } from './definition.js';
export { MAX_SECRET_BYTES } from './limits.js';
export {
  keywhizOptionsSchema,
  directoryOptionsSchema,
  serverOptionsSchema,
  type KeywhizOptions,
  type KeywhizDirectoryOptions,
  type KeywhizServerOptions,
} from './options.js';
