import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors/index.js';

/** File names looked for in each directory, in this order. */
export const CONFIG_FILE_NAMES = ['buildsecrets.yaml', 'buildsecrets.yml', 'buildsecrets.json'] as const;

/** Where to look for a config file. */
export interface FindConfigFileOptions {
  /** A path given on the command line (`--config`); relative to `cwd`. Must exist. */
  readonly explicitPath?: string | undefined;
  /** The directory to start walking up from. */
  readonly cwd: string;
  /** The environment; `BUILDSECRETS_CONFIG` is read from it. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The outcome of a search: the file, or every directory that was looked in. */
export interface ConfigSearch {
  /** The config file found, absolute. */
  readonly file: string | undefined;
  /** Directories searched, nearest first (empty when an explicit path was used). */
  readonly searched: readonly string[];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function mustExist(path: string, source: string): string {
  if (isFile(path)) return path;
  const what = existsSync(path) ? 'is not a regular file' : 'does not exist';
  throw new ConfigError([{ path: '', message: `the config file ${path} (from ${source}) ${what}` }], {
    hint: `fix ${source}, or run \`buildsecrets init\` to create a config`,
  });
}

/** Search as {@link findConfigFile} does, also reporting where it looked. */
export function searchConfigFile(options: FindConfigFileOptions): ConfigSearch {
  if (options.explicitPath !== undefined && options.explicitPath !== '') {
    return { file: mustExist(resolve(options.cwd, options.explicitPath), '--config'), searched: [] };
  }
  const fromEnv = options.env['BUILDSECRETS_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { file: mustExist(resolve(options.cwd, fromEnv), 'BUILDSECRETS_CONFIG'), searched: [] };
  }
  const searched: string[] = [];
  for (let dir = resolve(options.cwd); ; dir = dirname(dir)) {
    searched.push(dir);
    const found = CONFIG_FILE_NAMES.map((name) => join(dir, name)).filter(isFile);
    if (found.length > 1) {
      throw new ConfigError([{ path: '', message: `ambiguous config: ${dir} holds ${found.map((f) => f.slice(dir.length + 1)).join(' and ')}` }], {
        hint: 'keep one of them, or pick one with --config',
      });
    }
    if (found[0] !== undefined) return { file: found[0], searched };
    // The repository root bounds the search, so a config in a parent project is never picked up.
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return { file: undefined, searched };
  }
}

/**
 * Find the config file: `explicitPath` (`--config`) first, then `BUILDSECRETS_CONFIG`, then
 * `buildsecrets.yaml` / `.yml` / `.json` walking up from `cwd` to the repository root (the first
 * directory holding `.git`) or the filesystem root.
 *
 * @returns the absolute path, or `undefined` when the walk found nothing.
 * @throws ConfigError when an explicit path does not exist or one directory holds two config files.
 */
export function findConfigFile(options: FindConfigFileOptions): string | undefined {
  return searchConfigFile(options).file;
}
