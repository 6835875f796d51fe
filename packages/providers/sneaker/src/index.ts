/**
 * `@buildsecrets/provider-sneaker`: Sneaker (S3 + KMS envelope encryption) for buildsecrets.
 *
 * @packageDocumentation
 */
import { sneakerProvider } from './provider.js';

export { sneakerProvider } from './provider.js';
export { sneakerOptionsSchema, type SneakerProviderOptions } from './options.js';
export default sneakerProvider;
