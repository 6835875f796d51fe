// @ts-check
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Larger than any real netrc; a bigger file is a wrong path, not credentials. */
export const MAX_NETRC_BYTES = 1024 * 1024;

/**
 * Why a netrc file could not be used. `kind` picks the buildsecrets error type; `message` and
 * `hint` name the path and never the content.
 *
 * @typedef {{ kind: 'missing' | 'insecure' | 'unreadable', message: string, hint: string }} NetrcFileProblem
 */

/**
 * Where the netrc file is: the `path` option, else `$NETRC`, else `~/.netrc`. Relative paths
 * resolve against the config file's directory, a leading `~/` against the home directory.
 *
 * @param {string | undefined} pathOption
 * @param {{ baseDir: string, env: Readonly<Record<string, string | undefined>> }} context
 * @returns {string}
 */
export function netrcPath(pathOption, context) {
  const home = context.env['HOME'] || homedir();
  const chosen = pathOption ?? (context.env['NETRC'] || undefined);
  if (chosen === undefined) return join(home, '.netrc');
  if (chosen === '~' || chosen.startsWith('~/')) return join(home, chosen.slice(1));
  return isAbsolute(chosen) ? chosen : resolve(context.baseDir, chosen);
}

/**
 * Read the netrc file, refusing one that group or others can access (as curl and ftp do) unless
 * `allowInsecure`, and anything that is not a regular file. Opened non-blocking and checked with
 * fstat on the same descriptor, so a FIFO cannot hang the run and a swapped file cannot slip in
 * between check and read.
 *
 * @param {string} path
 * @param {{ allowInsecure: boolean, signal: AbortSignal }} options
 * @returns {Promise<{ ok: true, bytes: Buffer } | { ok: false, problem: NetrcFileProblem }>}
 */
export async function readNetrcFile(path, options) {
  /** @type {import('node:fs/promises').FileHandle} */
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = /** @type {{ code?: unknown }} */ (error).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { ok: false, problem: { kind: 'missing', message: `no netrc file at ${path}`, hint: 'create it (mode 0600), or point `options.path` or $NETRC at yours' } };
    }
    return { ok: false, problem: { kind: 'unreadable', message: `cannot open the netrc file ${path} (${String(code ?? 'error')})`, hint: 'check that the user running buildsecrets owns and can read it' } };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      return { ok: false, problem: { kind: 'unreadable', message: `${path} is not a regular file`, hint: 'point `options.path` at a netrc file' } };
    }
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0 && !options.allowInsecure) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      return {
        ok: false,
        problem: {
          kind: 'insecure',
          message: `the netrc file ${path} can be accessed by group or others (mode ${mode}); refusing it, as curl and ftp do`,
          hint: `chmod 600 ${path}  (or set \`allowInsecurePermissions: true\` if you accept the risk)`,
        },
      };
    }
    if (stat.size > MAX_NETRC_BYTES) {
      return { ok: false, problem: { kind: 'unreadable', message: `${path} is larger than ${MAX_NETRC_BYTES} bytes, so it is not a netrc file`, hint: 'point `options.path` at a netrc file' } };
    }
    const bytes = await handle.readFile({ signal: options.signal });
    return { ok: true, bytes };
  } finally {
    await handle.close();
  }
}
