import { PluginLoadError } from '../errors/index.js';
import { SUPPORTED_PROVIDER_API_VERSIONS } from '../provider/define-provider.js';
import type { AnyProviderDefinition } from '../provider/types.js';

const EXPORT_HINT = 'the module must `export default defineProvider({ apiVersion: 1, name, optionsSchema, capabilities, create })` from @buildsecrets/core';

function apiVersionProblem(apiVersion: unknown, source: string): PluginLoadError | undefined {
  if (typeof apiVersion === 'number' && SUPPORTED_PROVIDER_API_VERSIONS.includes(apiVersion)) return undefined;
  const supported = SUPPORTED_PROVIDER_API_VERSIONS.join(', ');
  const newest = Math.max(...SUPPORTED_PROVIDER_API_VERSIONS);
  if (typeof apiVersion === 'number' && Number.isInteger(apiVersion) && apiVersion > newest) {
    return new PluginLoadError(`${source} uses provider API version ${apiVersion}, but this @buildsecrets/core supports version ${supported}`, {
      hint: `upgrade buildsecrets (npm install --save-dev buildsecrets@latest), or install a release of the plugin made for API version ${newest}`,
    });
  }
  if (typeof apiVersion === 'number' && Number.isInteger(apiVersion) && apiVersion > 0) {
    return new PluginLoadError(`${source} uses provider API version ${apiVersion}, which this @buildsecrets/core no longer supports (it supports ${supported})`, {
      hint: 'upgrade the plugin to a release made for the current buildsecrets',
    });
  }
  return undefined;
}

/** Whether `key` is an accessor with a getter on `object` or its prototypes. */
function isGetter(object: object, key: string): boolean {
  for (let current: object | null = object; current !== null; current = Object.getPrototypeOf(current) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    if (descriptor) return typeof descriptor.get === 'function';
  }
  return false;
}

/**
 * Check that `value` has the shape of a provider definition, naming every wrong field and what to do.
 * `source` names where it came from (`package my-plugin`, `module ./x.js`) for the message.
 *
 * @throws PluginLoadError when the API version is unsupported or the shape is wrong.
 */
export function assertProviderDefinition(value: unknown, source: string): asserts value is AnyProviderDefinition {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    throw new PluginLoadError(`${source} does not export a provider definition (its default export is ${value === null ? 'null' : typeof value})`, { hint: EXPORT_HINT });
  }
  const candidate = value as Record<string, unknown>;
  const versionError = apiVersionProblem(candidate['apiVersion'], source);
  if (versionError) throw versionError;
  const problems: string[] = [];
  if (candidate['apiVersion'] === undefined) problems.push('`apiVersion` is missing');
  else if (typeof candidate['apiVersion'] !== 'number' || !SUPPORTED_PROVIDER_API_VERSIONS.includes(candidate['apiVersion'])) problems.push('`apiVersion` must be a supported version number');
  if (typeof candidate['name'] !== 'string' || candidate['name'] === '') problems.push('`name` must be a non-empty string');
  // A getter (lazyOptionsSchema) is not called here: the schema is built when options need it,
  // and a broken one is reported then, at the provider's options.
  if (!isGetter(candidate, 'optionsSchema')) {
    const schema = candidate['optionsSchema'] as { safeParse?: unknown } | undefined;
    if (typeof schema !== 'object' || schema === null || typeof schema.safeParse !== 'function') problems.push('`optionsSchema` must be a zod schema (an object with `safeParse`)');
  }
  const capabilities = candidate['capabilities'];
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) problems.push('`capabilities` must be an object (use `{}` for none)');
  if (typeof candidate['create'] !== 'function') problems.push('`create` must be a function');
  if (problems.length > 0) {
    throw new PluginLoadError(`${source} is not a valid provider definition: ${problems.join('; ')}`, { hint: EXPORT_HINT });
  }
}
