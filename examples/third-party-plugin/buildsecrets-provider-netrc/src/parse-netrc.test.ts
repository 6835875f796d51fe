import { describe, expect, it } from 'vitest';
import { findEntry, NetrcSyntaxError, parseNetrc } from './parse-netrc.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('netrc-parse');

function syntaxError(text: string): NetrcSyntaxError {
  try {
    parseNetrc(text);
  } catch (error) {
    expect(error).toBeInstanceOf(NetrcSyntaxError);
    expect((error as Error).message).not.toContain(CANARY);
    return error as NetrcSyntaxError;
  }
  throw new Error('expected a NetrcSyntaxError');
}

describe('parseNetrc', () => {
  it('reads machine entries with login, password and account, on one line or many', () => {
    const entries = parseNetrc('machine a.example login ann password pw1\nmachine b.example\n  login bob\n  password pw2\n  account acct\n');
    expect(entries).toEqual([
      { machine: 'a.example', login: 'ann', password: 'pw1', line: 1 },
      { machine: 'b.example', login: 'bob', password: 'pw2', account: 'acct', line: 2 },
    ]);
  });

  it('reads the default entry as machine undefined', () => {
    expect(parseNetrc('default login anonymous password guest')).toEqual([{ machine: undefined, login: 'anonymous', password: 'guest', line: 1 }]);
  });

  it('reads double-quoted tokens with spaces and the \\" \\\\ \\n \\r \\t escapes', () => {
    const [entry] = parseNetrc('machine h login "two words" password "a\\"b\\\\c\\nd\\te\\rf\\x"');
    expect(entry?.login).toBe('two words');
    expect(entry?.password).toBe('a"b\\c\nd\te\rf' + 'x');
  });

  it('keeps an empty quoted value as an empty string', () => {
    expect(parseNetrc('machine h password ""')[0]?.password).toBe('');
  });

  it('skips macdef bodies up to the next empty line, whatever they contain', () => {
    const text = 'machine h login u\nmacdef init\ncd /pub\nmachine evil password stolen\n\nmachine after password ok\n';
    expect(parseNetrc(text).map((e) => e.machine)).toEqual(['h', 'after']);
    expect(parseNetrc(text)[1]?.line).toBe(6);
  });

  it('treats # as a comment where a keyword is expected, and as text in a value', () => {
    const entries = parseNetrc('# my hosts\nmachine h # the build host\n  password #not-a-comment\n');
    expect(entries).toEqual([{ machine: 'h', password: '#not-a-comment', line: 2 }]);
  });

  it('keeps the first of a repeated field, as curl does', () => {
    expect(parseNetrc('machine h password first password second')[0]?.password).toBe('first');
  });

  it('accepts CRLF line endings', () => {
    expect(parseNetrc('machine h\r\n login u\r\n password p\r\n')).toEqual([{ machine: 'h', login: 'u', password: 'p', line: 1 }]);
  });

  it.each([
    ['an unquoted value with a space', `machine h password two ${CANARY}`, 1, 'is a value with spaces missing its "quotes"'],
    ['a field before any machine', `login ${CANARY}`, 1, '`login` appears before any `machine`'],
    ['a field without a value', 'machine h\npassword', 2, '`password` needs a value'],
    ['machine without a name', 'machine', 1, '`machine` needs a host name'],
    ['an unclosed quote', `machine h\n password "${CANARY}`, 2, 'a quoted token is not closed'],
  ])('rejects %s with its line number and without quoting the file', (_what, text, line, message) => {
    const error = syntaxError(text);
    expect(error.line).toBe(line);
    expect(error.message).toContain(message);
  });
});

describe('findEntry', () => {
  const entries = parseNetrc('machine Git.Example login a password 1\nmachine git.example login b password 2\ndefault login anon password 3');

  it('takes the first machine whose name matches case-insensitively', () => {
    expect(findEntry(entries, 'git.example')?.login).toBe('a');
  });

  it('falls back to the default entry, and to nothing without one', () => {
    expect(findEntry(entries, 'other.example')?.login).toBe('anon');
    expect(findEntry(parseNetrc('machine x password y'), 'other.example')).toBeUndefined();
  });
});
