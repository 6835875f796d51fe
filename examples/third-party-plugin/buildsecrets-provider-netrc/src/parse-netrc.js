// @ts-check
/**
 * A parser for the netrc format as curl, ftp and git read it: whitespace-separated tokens,
 * `machine <name>` / `default` entries holding `login`, `password` and `account`, `macdef`
 * bodies that run until an empty line, `#` comments, and double-quoted tokens with `\"`, `\\`,
 * `\n`, `\r`, `\t` escapes (so a password may contain spaces).
 *
 * Errors name a line number and what was expected, never a token's text: a token that lands in
 * the wrong place is usually a password that was not quoted.
 */

/**
 * @typedef {object} NetrcEntry
 * @property {string | undefined} machine The host name; `undefined` for the `default` entry.
 * @property {string} [login]
 * @property {string} [password]
 * @property {string} [account]
 * @property {number} line The line the entry starts on (1-based).
 */

/** Thrown for a file that is not valid netrc. Carries no token text. */
export class NetrcSyntaxError extends Error {
  /**
   * @param {string} problem
   * @param {number} line
   */
  constructor(problem, line) {
    super(`${problem} (line ${line})`);
    this.name = 'NetrcSyntaxError';
    this.line = line;
  }
}

const FIELDS = new Set(['login', 'password', 'account']);
/** @type {Record<string, string>} */
const ESCAPES = { n: '\n', r: '\r', t: '\t' };

/**
 * A cursor over the text. `next()` returns the next token, or undefined at the end.
 * @param {string} text
 */
function lexer(text) {
  let pos = 0;
  let line = 1;
  const isSpace = (/** @type {string | undefined} */ c) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
  const skipSpace = () => {
    while (pos < text.length && isSpace(text[pos])) {
      if (text[pos] === '\n') line++;
      pos++;
    }
  };
  return {
    get line() {
      return line;
    },
    /**
     * @param {{ comments: boolean }} mode comments are only recognised where a keyword is expected,
     *   so `password #hash` keeps its value.
     * @returns {{ text: string, line: number, quoted: boolean } | undefined}
     */
    next(mode) {
      for (;;) {
        skipSpace();
        if (pos >= text.length) return undefined;
        if (!(mode.comments && text[pos] === '#')) break;
        while (pos < text.length && text[pos] !== '\n') pos++;
      }
      const start = line;
      if (text[pos] !== '"') {
        const from = pos;
        while (pos < text.length && !isSpace(text[pos])) pos++;
        return { text: text.slice(from, pos), line: start, quoted: false };
      }
      pos++;
      let out = '';
      while (pos < text.length && text[pos] !== '"') {
        let c = /** @type {string} */ (text[pos++]);
        if (c === '\n') line++;
        if (c === '\\' && pos < text.length) {
          const e = /** @type {string} */ (text[pos++]);
          c = ESCAPES[e] ?? e;
        }
        out += c;
      }
      if (pos >= text.length) throw new NetrcSyntaxError('a quoted token is not closed', start);
      pos++;
      return { text: out, line: start, quoted: true };
    },
    /** Skip a macro body: the rest of the current line, then every line up to an empty one. */
    skipMacro() {
      while (pos < text.length && text[pos] !== '\n') pos++;
      while (pos < text.length) {
        pos++;
        line++;
        let end = pos;
        while (end < text.length && text[end] !== '\n') end++;
        const isBlank = text.slice(pos, end).trim() === '';
        pos = end;
        if (isBlank) return;
      }
    },
  };
}

/**
 * Parse netrc text into its entries, in file order (macros are skipped).
 *
 * @param {string} text
 * @returns {NetrcEntry[]}
 * @throws {NetrcSyntaxError} naming the line, never the offending token.
 */
export function parseNetrc(text) {
  const lex = lexer(text);
  /** @type {NetrcEntry[]} */
  const entries = [];
  /** @type {NetrcEntry | undefined} */
  let current;
  for (let token = lex.next({ comments: true }); token; token = lex.next({ comments: true })) {
    const word = token.quoted ? undefined : token.text;
    if (word === 'machine' || word === 'default') {
      let machine;
      if (word === 'machine') {
        const name = lex.next({ comments: false });
        if (!name) throw new NetrcSyntaxError('`machine` needs a host name after it', token.line);
        machine = name.text;
      }
      current = { machine, line: token.line };
      entries.push(current);
    } else if (word === 'macdef') {
      if (!lex.next({ comments: false })) throw new NetrcSyntaxError('`macdef` needs a macro name after it', token.line);
      lex.skipMacro();
    } else if (word !== undefined && FIELDS.has(word)) {
      if (!current) throw new NetrcSyntaxError(`\`${word}\` appears before any \`machine\` or \`default\``, token.line);
      const value = lex.next({ comments: false });
      if (!value) throw new NetrcSyntaxError(`\`${word}\` needs a value after it`, token.line);
      const field = /** @type {'login' | 'password' | 'account'} */ (word);
      // The first occurrence wins, as in curl; a repeated field is almost always a mistake, not an override.
      if (current[field] === undefined) current[field] = value.text;
    } else {
      throw new NetrcSyntaxError(
        'expected machine, default, login, password, account or macdef; found another word (is a value with spaces missing its "quotes"?)',
        token.line,
      );
    }
  }
  return entries;
}

/**
 * The entry for `host`: the first `machine` whose name matches case-insensitively (host names are),
 * else the `default` entry, else undefined.
 *
 * @param {readonly NetrcEntry[]} entries
 * @param {string} host
 * @returns {NetrcEntry | undefined}
 */
export function findEntry(entries, host) {
  const wanted = host.toLowerCase();
  return entries.find((e) => e.machine !== undefined && e.machine.toLowerCase() === wanted) ?? entries.find((e) => e.machine === undefined);
}
