import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginLoadError } from '../errors/index.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { assertProviderDefinition } from './assert-provider-definition.js';
import { BUILTIN_PROVIDERS, builtinPackage } from './builtin-providers.js';
import { isPackageSpecifier, resolvePackage } from './resolve-package.js';
import { corePackageDir } from '../util/core-package-dir.js';
import { closestMatch } from '../config/did-you-mean.js';

/** Options for {@link loadProviderDefinition}. */
export interface LoadProviderDefinitionOptions {
  /** The config file's directory: relative paths and npm packages resolve from here. */
  readonly baseDir: string;
  /** Definitions registered in code (`providers: { name: definition }`), keyed by `use`; these win. */
  readonly registered?: ReadonlyMap<string, AnyProviderDefinition> | undefined;
  /** The provider instance name, for the `[buildsecrets:<name>]` prefix of errors. */
  readonly instanceName?: string | undefined;
}

function isPathSpecifier(use: string): boolean {
  return use.startsWith('./') || use.startsWith('../') || isAbsolute(use);
}

/** CJS interop: `module.exports = def` arrives as `default`, `exports.default = def` as `default.default`. */
function unwrapDefault(namespace: Record<string, unknown>, source: string, provider: string | undefined): unknown {
  let value = namespace['default'];
  if (value === undefined) {
    const names = Object.keys(namespace).filter((k) => k !== '__esModule');
    throw new PluginLoadError(`${source} has no default export${names.length ? ` (it exports ${names.slice(0, 10).join(', ')})` : ''}`, {
      provider,
      hint: 'the module must `export default defineProvider({...})` from @buildsecrets/core',
    });
  }
  if (typeof value === 'object' && value !== null && !('apiVersion' in value) && 'default' in value) value = (value as { default: unknown }).default;
  return value;
}

async function importDefinition(file: string, source: string, provider: string | undefined): Promise<AnyProviderDefinition> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginLoadError(`importing ${source} failed (${file})`, {
      provider,
      cause: error,
      hint: `the module threw while loading (its message is not shown: it may quote credentials); run \`node ${file}\` to see it, or reinstall the plugin`,
    });
  }
  const definition = unwrapDefault(namespace, source, provider);
  assertProviderDefinition(definition, source);
  return definition;
}

function notInstalled(packageName: string, source: string, provider: string | undefined, baseDir: string): PluginLoadError {
  return new PluginLoadError(`${source} is not installed (looked in node_modules from ${baseDir} upwards)`, {
    provider,
    hint: `npm install --save-dev ${packageName}`,
  });
}

/** {@link loadProviderDefinition} with the built-in fallback directory made explicit (for tests). */
export async function loadProviderDefinitionFrom(use: string, options: LoadProviderDefinitionOptions, fallbackDir: string): Promise<AnyProviderDefinition> {
  const { baseDir, instanceName: provider } = options;
  const registered = options.registered?.get(use);
  if (registered !== undefined) {
    assertProviderDefinition(registered, `the provider registered in code as "${use}"`);
    return registered;
  }
  const builtin = builtinPackage(use);
  if (builtin !== undefined) {
    const source = `built-in provider "${use}" (package ${builtin})`;
    for (const from of [baseDir, fallbackDir]) {
      const hit = resolvePackage(builtin, from);
      if (hit.kind === 'found') return importDefinition(hit.file, source, provider);
      if (hit.kind === 'no-entry') throw new PluginLoadError(`${source} is installed at ${hit.packageDir} but has no importable entry point`, { provider, hint: `reinstall it: npm install --save-dev ${builtin}` });
    }
    throw notInstalled(builtin, source, provider, baseDir);
  }
  if (isPathSpecifier(use)) {
    const file = resolve(baseDir, use);
    const source = `plugin module ${use}`;
    if (!existsSync(file)) {
      throw new PluginLoadError(`${source} does not exist (resolved to ${file})`, { provider, hint: "fix `use`; relative paths resolve against the config file's directory" });
    }
    return importDefinition(file, source, provider);
  }
  if (!isPackageSpecifier(use)) {
    if (closestMatch(use, Object.keys(BUILTIN_PROVIDERS)) !== undefined) throw unknownProvider(use, provider, baseDir);
    throw new PluginLoadError(`"${use}" is not a built-in provider (${Object.keys(BUILTIN_PROVIDERS).join(', ')}), a relative path (./my-plugin.js) or an npm package name`, {
      provider,
      hint: 'fix `use` in the config',
    });
  }
  const source = `plugin package ${use}`;
  const hit = resolvePackage(use, baseDir);
  if (hit.kind === 'found') return importDefinition(hit.file, source, provider);
  if (hit.kind === 'no-entry') throw new PluginLoadError(`${source} is installed at ${hit.packageDir} but has no importable entry point for it`, { provider, hint: 'check the package\'s "exports"/"main", or reinstall it' });
  if (!looksLikePluginPackage(use)) throw unknownProvider(use, provider, baseDir);
  throw notInstalled(use.startsWith('@') ? use.split('/').slice(0, 2).join('/') : use.split('/')[0]!, source, provider, baseDir);
}

/**
 * Whether `use` is shaped like a provider plugin package (`buildsecrets-provider-*`, or any scoped
 * `@scope/name`): only for those is "npm install <use>" a sensible suggestion. A bare word such as
 * `valut` is far more likely a typo than a package to install (and could be anyone's package).
 */
export function looksLikePluginPackage(use: string): boolean {
  return use.startsWith('@') || /^buildsecrets-provider-/.test(use.split('/')[0]!);
}

function unknownProvider(use: string, provider: string | undefined, baseDir: string): PluginLoadError {
  const builtins = Object.keys(BUILTIN_PROVIDERS);
  const near = closestMatch(use, builtins);
  if (near !== undefined) {
    return new PluginLoadError(`unknown provider "${use}"; did you mean the built-in "${near}"?`, { provider, hint: `use: ${near}` });
  }
  return new PluginLoadError(`unknown provider "${use}": not a built-in (${builtins.join(', ')}), and no package of that name is installed (looked in node_modules from ${baseDir} upwards)`, {
    provider,
    hint: 'use a built-in name, a relative path (./my-provider.js), or a plugin package (buildsecrets-provider-<name>, @scope/<name>)',
  });
}

/**
 * Load the provider definition that `use:` names: a definition registered in code, a built-in
 * short name (its `@buildsecrets/provider-*` package, from the project first, then next to core),
 * a relative path resolved against `baseDir`, or an npm package resolved from `baseDir` (the
 * user's project, never core's own location).
 *
 * @example
 * ```ts
 * const vault = await loadProviderDefinition('vault', { baseDir: loaded.baseDir });
 * ```
 * @throws PluginLoadError saying what to install or fix.
 */
export function loadProviderDefinition(use: string, options: LoadProviderDefinitionOptions): Promise<AnyProviderDefinition> {
  // Core's own package directory (not this module's URL, which is the CLI bundle's when bundled):
  // built-ins installed next to core and the CLI are found from here when the project lacks them.
  return loadProviderDefinitionFrom(use, options, corePackageDir());
}
