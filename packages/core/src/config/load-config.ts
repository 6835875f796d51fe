import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors/index.js';
import { assertConfigSize, decodeConfigText, MAX_CONFIG_BYTES } from './decode-config-text.js';
import { CONFIG_FILE_NAMES, searchConfigFile } from './discover.js';
import { interpolateConfig, type InterpolationResult, type SensitiveValue } from './interpolate.js';
import { formatFromFile, parseConfigText } from './parse.js';
import { parseSimpleYaml } from './simple-yaml.js';
import { loadYamlModule } from './yaml-module.js';
import type { BuildSecretsConfig } from './schema.js';
import { rethrowScrubbed } from './scrub-issues.js';
import { validateConfigLazily } from './validate-lazily.js';

/** A validated config and where it came from. */
export interface LoadedConfig {
  /** The config with `${VAR}` interpolated and defaults applied (provider options not yet checked by their plugin). */
  readonly config: BuildSecretsConfig;
  /** The absolute path of the config file, or `undefined` for a programmatic config. */
  readonly file: string | undefined;
  /** Relative paths (plugins, Dockerfile) resolve against this: the config file's directory. */
  readonly baseDir: string;
  /** Every value interpolated from the environment; register each with the run's redactor. */
  readonly sensitive: readonly SensitiveValue[];
}

/** Options for {@link parseConfig}. */
export interface ParseConfigOptions {
  /** The file the text came from: names it in errors, picks JSON for `*.json`, sets `baseDir`. */
  readonly file?: string | undefined;
  /** The environment `${VAR}` reads from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Overrides the base directory (default: the file's directory, else the working directory). */
  readonly baseDir?: string | undefined;
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** An explicit config path (`--config`), relative to `cwd`. */
  readonly configPath?: string | undefined;
  /** Where the search starts (default `process.cwd()`). */
  readonly cwd?: string | undefined;
  /** The environment for `BUILDSECRETS_CONFIG` and `${VAR}` (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

function needsYamlPackage(text: string, file: string | undefined): boolean {
  if (formatFromFile(file) === 'json') return true;
  try {
    return parseSimpleYaml(decodeConfigText(text, file)) === undefined;
  } catch {
    return true;
  }
}

/** The tree to validate (parsed and interpolated), from text or an object; shared by both parse paths. */
export function configInput(input: string | object, options: ParseConfigOptions): { file: string | undefined; interpolated: InterpolationResult; baseDir: string } {
  const file = options.file === undefined ? undefined : resolve(options.file);
  const tree = typeof input === 'string' ? parseConfigText(decodeConfigText(input, file), { format: formatFromFile(file), file }) : input;
  const interpolated = interpolateConfig(tree, options.env);
  const baseDir = options.baseDir ?? (file === undefined ? process.cwd() : dirname(file));
  return { file, interpolated, baseDir };
}

/**
 * {@link parseConfig} without loading zod for a config that is fine (see validate-lazily.ts): what
 * the CLI and `planConfig` use. Same result, same errors.
 */
export async function parseConfigLazily(input: string | object, options: ParseConfigOptions): Promise<LoadedConfig> {
  // The `yaml` package only when the text needs it: JSON (its duplicate-key check) or YAML the
  // fast reader does not take (the CLI bundle then loads its chunk; see yaml-module.ts).
  if (typeof input === 'string' && needsYamlPackage(input, options.file)) await loadYamlModule();
  const { file, interpolated, baseDir } = configInput(input, options);
  let config: BuildSecretsConfig;
  try {
    config = await validateConfigLazily(interpolated.value, { file, interpolatedPaths: interpolated.interpolatedPaths, priorIssues: interpolated.issues });
  } catch (error) {
    rethrowScrubbed(error, interpolated.sensitive);
  }
  return { config, file, baseDir, sensitive: interpolated.sensitive };
}

/** Read at most one byte over the limit, from a regular file only (a FIFO or device would hang or never end). */
async function readConfigBytes(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ConfigError([{ path: '', message: 'the config path is not a regular file' }], { file });
    assertConfigSize(stat.size, file);
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_CONFIG_BYTES) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Find (see {@link findConfigFile}), read, parse, interpolate and validate the config file.
 *
 * @example
 * ```ts
 * const loaded = await loadConfig({ cwd: process.cwd() });
 * for (const s of loaded.sensitive) redactor.add(s.label, s.value);
 * ```
 * @throws ConfigError when no file is found (saying where it looked), or it is unreadable or invalid.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const search = searchConfigFile({ explicitPath: options.configPath, cwd, env });
  if (search.file === undefined) {
    throw new ConfigError(
      [{ path: '', message: `no config file found: looked for ${CONFIG_FILE_NAMES.join(', ')} in ${search.searched.join(', ')} (and BUILDSECRETS_CONFIG is not set)` }],
      { hint: 'run `buildsecrets init` to create one, or pass --config <file>' },
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await readConfigBytes(search.file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([{ path: '', message: 'the config file could not be read; check its permissions' }], { file: search.file, cause: error });
  }
  return parseConfigLazily(decodeConfigText(bytes, search.file), { file: search.file, env });
}
