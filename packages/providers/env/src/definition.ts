import { AbortedError, defineProvider, extractKey, lazyOptionsSchema, type BuildSecretsError, secretFailed, secretOk, SecretNotFoundError, SecretValue, type SecretRequest, type SecretResult } from '@buildsecrets/core';
import type { EnvProviderOptions } from './index.js';
import { envOptionsSchema, parseEnvOptionsFast } from './options.js';

// The definition without zod: its schema is built on first use, so importing it (the CLI's `plan`)
// evaluates no zod. index.ts adds the exported schema constant.
const lazyEnvOptionsSchema = lazyOptionsSchema(envOptionsSchema);

/**
 * Reads `ref` as an environment variable name (from the run's environment). `key` picks a field
 * out of a JSON value. An unset variable is `SecretNotFoundError`; an empty one is returned as an
 * empty value, which the resolver refuses unless the secret says `allowEmpty: true`.
 *
 * @example
 * ```yaml
 * providers: { local: { use: env } }
 * secrets:
 *   npm_token: { from: local, ref: NPM_TOKEN }
 * ```
 */
const envProvider = defineProvider<EnvProviderOptions>({
  apiVersion: 1,
  name: 'env',
  description: 'environment variables of the buildsecrets process',
  get optionsSchema() {
    return lazyEnvOptionsSchema();
  },
  // The usual options (none, or a prefix) are checked without building the zod schema.
  parseOptionsFast: parseEnvOptionsFast,
  capabilities: { keys: true },
  // For `plan`: the same words as the instance's describe, without creating one.
  describeRef: (request, options) => `environment variable ${options.prefix ?? ''}${request.ref}${request.key ? ` (JSON key ${request.key})` : ''}`,
  create(options, context) {
    const variable = (ref: string): string => `${options.prefix ?? ''}${ref}`;
    const resolveOne = (request: SecretRequest): SecretResult => {
      const name = variable(request.ref);
      const raw = context.env[name];
      if (raw === undefined) {
        return secretFailed(
          request.id,
          new SecretNotFoundError(`environment variable ${name} is not set`, { secretId: request.id, provider: context.instanceName, hint: `export ${name}=… before running buildsecrets` }),
        );
      }
      const value = SecretValue.from(raw);
      if (request.key === undefined) return secretOk(request.id, value);
      try {
        return secretOk(request.id, extractKey(value, request.key, { secretId: request.id, provider: context.instanceName }));
      } catch (err) {
        return secretFailed(request.id, err as BuildSecretsError);
      } finally {
        if (request.key !== undefined) value.wipe();
      }
    };
    return {
      async resolve(requests, signal) {
        if (signal.aborted) throw new AbortedError('resolution was cancelled', { provider: context.instanceName });
        return requests.map(resolveOne);
      },
      describe: (request) => `environment variable ${variable(request.ref)}${request.key ? ` (JSON key ${request.key})` : ''}`,
      dispose() {},
    };
  },
});

export default envProvider;
