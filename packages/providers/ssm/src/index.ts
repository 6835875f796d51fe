/**
 * `@buildsecrets/provider-ssm`: AWS Systems Manager Parameter Store for buildsecrets.
 *
 * @packageDocumentation
 */
import { ssmProvider } from './provider.js';

export { ssmProvider } from './provider.js';
export { ssmOptionsSchema, type SsmProviderOptions } from './options.js';
export default ssmProvider;
