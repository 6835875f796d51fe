/**
 * `@buildsecrets/provider-gcp`: Google Secret Manager for buildsecrets.
 *
 * @packageDocumentation
 */
import { gcpProvider } from './provider.js';

export { gcpProvider } from './provider.js';
export { gcpOptionsSchema, type GcpProviderOptions } from './options.js';
export { crc32c } from './crc32c.js';
export default gcpProvider;
