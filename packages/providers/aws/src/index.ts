/**
 * `@buildsecrets/provider-aws`: AWS Secrets Manager for buildsecrets.
 *
 * @packageDocumentation
 */
import { awsProvider } from './provider.js';

export { awsProvider } from './provider.js';
export { awsOptionsSchema, type AwsProviderOptions } from './options.js';
export default awsProvider;
