// @ts-check
/**
 * `buildsecrets-provider-netrc`: a buildsecrets provider plugin that reads credentials from a
 * netrc file. `ref` is the machine name, `key` is `login`, `password` (default) or `account`.
 *
 * @packageDocumentation
 */
import {
  AbortedError,
  AuthenticationError,
  InvalidSecretError,
  SecretNotFoundError,
  defineProvider,
  secretFailed,
  secretOk,
  z,
} from '@buildsecrets/core';
import { NetrcSyntaxError, findEntry, parseNetrc } from './parse-netrc.js';
import { netrcPath, readNetrcFile } from './read-netrc-file.js';

/** The fields a netrc entry can hold; `key` must be one of them. */
export const NETRC_KEYS = /** @type {const} */ (['login', 'password', 'account']);

/** Options of the netrc provider (`providers.<name>.options`). */
export const netrcOptionsSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .optional()
      .describe('The netrc file. Default: $NETRC, else ~/.netrc. Relative paths resolve against the config file\'s directory.'),
    allowInsecurePermissions: z
      .boolean()
      .default(false)
      .describe('Read the file even when group or others can access it (curl and ftp refuse such a file). Default false.'),
  })
  .strict();

/** @typedef {z.output<typeof netrcOptionsSchema>} NetrcOptions */

/**
 * @param {import('./read-netrc-file.js').NetrcFileProblem} problem
 * @param {string} id
 * @param {string} provider
 */
function fileError(problem, id, provider) {
  const options = { secretId: id, provider, hint: problem.hint };
  if (problem.kind === 'missing') return new SecretNotFoundError(problem.message, options);
  // An insecure or unreadable credentials file is refused like rejected credentials: fixing it is the user's move.
  return new AuthenticationError(problem.message, options);
}

const netrcProvider = defineProvider({
  apiVersion: 1,
  name: 'netrc',
  description: 'credentials from a netrc file (machine → login / password / account)',
  optionsSchema: netrcOptionsSchema,
  capabilities: { keys: true },
  create(options, context) {
    const path = netrcPath(options.path, context);
    const provider = context.instanceName;
    context.logger.debug(`netrc provider reads ${path}`);

    /**
     * @param {import('@buildsecrets/core').SecretRequest} request
     * @param {import('./parse-netrc.js').NetrcEntry[]} entries
     * @returns {import('@buildsecrets/core').SecretResult}
     */
    const pick = (request, entries) => {
      const { id, ref } = request;
      const key = request.key ?? 'password';
      if (!(/** @type {readonly string[]} */ (NETRC_KEYS)).includes(key)) {
        return secretFailed(id, new InvalidSecretError(`key "${key}" is not a netrc field`, { secretId: id, provider, hint: `use key: ${NETRC_KEYS.join(' | ')} (default password)` }));
      }
      const entry = findEntry(entries, ref);
      if (!entry) {
        return secretFailed(id, new SecretNotFoundError(`no \`machine ${ref}\` (and no \`default\`) in ${path}`, { secretId: id, provider, hint: 'add the machine to the netrc file, or fix `ref`' }));
      }
      const value = entry[/** @type {'login' | 'password' | 'account'} */ (key)];
      if (value === undefined) {
        const where = entry.machine === undefined ? 'the `default` entry' : `machine ${entry.machine}`;
        return secretFailed(id, new SecretNotFoundError(`${where} (line ${entry.line} of ${path}) has no key "${key}"`, { secretId: id, provider, hint: `add \`${key} …\` to it, or fix \`key\`` }));
      }
      return secretOk(id, value);
    };

    return {
      async resolve(requests, signal) {
        if (signal.aborted) throw new AbortedError('netrc lookup cancelled', { provider });
        const read = await readNetrcFile(path, { allowInsecure: options.allowInsecurePermissions, signal }).catch((/** @type {unknown} */ error) => {
          if (signal.aborted) throw new AbortedError('netrc lookup cancelled', { provider });
          const code = /** @type {{ code?: unknown }} */ (error).code;
          return /** @type {const} */ ({ ok: false, problem: { kind: 'unreadable', message: `reading ${path} failed (${String(code ?? 'error')})`, hint: 'check the file and its permissions' } });
        });
        if (!read.ok) return requests.map((r) => secretFailed(r.id, fileError(read.problem, r.id, provider)));
        let entries;
        try {
          entries = parseNetrc(read.bytes.toString('utf8'));
        } catch (error) {
          if (!(error instanceof NetrcSyntaxError)) throw error;
          const message = `${path} is not valid netrc: ${error.message}`;
          return requests.map((r) => secretFailed(r.id, new InvalidSecretError(message, { secretId: r.id, provider, hint: 'quote values that contain spaces: password "two words"' })));
        } finally {
          read.bytes.fill(0);
        }
        return requests.map((r) => pick(r, entries));
      },
      describe: (request) => `${request.key ?? 'password'} of machine ${request.ref} in ${path}`,
      dispose() {},
    };
  },
});

export default netrcProvider;
