import { ConfigError, type ConfigIssue } from '../errors/index.js';
import { findDuplicateKeys } from './duplicate-keys.js';
import { assertFlowDepth } from './nesting-guard.js';
import { describePosition, describeYamlError } from './yaml-error-messages.js';
import { findUnclosedOpener } from './unclosed-opener.js';
import { parseSimpleYaml } from './simple-yaml.js';
import { yamlModule } from './yaml-module.js';

/** The syntaxes a config file may use. */
export type ConfigFormat = 'yaml' | 'json';

/** Only the first few syntax errors are shown: later ones are usually echoes of the first. */
const MAX_SYNTAX_ISSUES = 5;

/** `json` for `*.json`, `yaml` for everything else (YAML also reads most JSON). */
export function formatFromFile(file: string | undefined): ConfigFormat {
  return file !== undefined && file.toLowerCase().endsWith('.json') ? 'json' : 'yaml';
}

interface YamlErrorLike {
  readonly code: string;
  readonly linePos?: readonly { line: number; col: number }[] | undefined;
}

function syntaxIssue(error: YamlErrorLike): ConfigIssue {
  const where = describePosition(error.linePos);
  return { path: '', message: `YAML syntax error${where ? ` at ${where}` : ''}: ${describeYamlError(error.code)}` };
}

/** What the parser reports for a flow collection or quoted string that never closes (at a later line). */
const UNCLOSED_ECHOES = new Set(['BAD_INDENT', 'MISSING_CHAR', 'UNEXPECTED_TOKEN', 'MULTILINE_IMPLICIT_KEY', 'BAD_SCALAR_START', 'BLOCK_IN_FLOW']);

function parseYaml(text: string, file: string | undefined): unknown {
  // Most configs are plain mappings: read those without the full parser (see simple-yaml.ts).
  const simple = parseSimpleYaml(text);
  if (simple !== undefined) return simple;
  const doc = yamlModule().parseDocument(text, { uniqueKeys: true, merge: true, prettyErrors: true, logLevel: 'error' });
  const duplicates = findDuplicateKeys(doc);
  // Our duplicate report names the path; the parser's only knows a line.
  const errors = doc.errors.filter((e) => !(e.code === 'DUPLICATE_KEY' && duplicates.length > 0));
  const syntax = [...new Map(errors.map(syntaxIssue).map((i) => [i.message, i])).values()];
  // An unclosed `{`, `[` or quote is reported by the parser where it gave up (a later line);
  // name the line that opened it instead, and drop the echoes of it.
  const opener = errors.some((e) => UNCLOSED_ECHOES.has(e.code)) ? findUnclosedOpener(text) : undefined;
  if (opener) {
    const closer = opener.char === '{' ? '}' : opener.char === '[' ? ']' : opener.char;
    const echoes = new Set(errors.filter((e) => UNCLOSED_ECHOES.has(e.code)).map((e) => syntaxIssue(e).message));
    syntax.splice(0, syntax.length, { path: '', message: `YAML syntax error at line ${opener.line}, column ${opener.col}: this ${opener.char} is never closed (a closing ${closer} is missing)` }, ...syntax.filter((i) => !echoes.has(i.message)));
  }
  const issues = [...duplicates, ...syntax.slice(0, MAX_SYNTAX_ISSUES)];
  if (issues.length > 0) throw new ConfigError(issues, { file });
  // toJS throws on alias bombs (maxAliasCount); the caller turns that into a ConfigError.
  return doc.toJS({ maxAliasCount: 100 });
}

/** `line L, column C` of a character offset (both 1-based). */
function lineColumnAt(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return `line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

function jsonErrorPosition(text: string, error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  const offset = /\bposition (\d+)/.exec(message);
  if (offset) return lineColumnAt(text, Number(offset[1]));
  if (/end of (JSON|data)/i.test(message)) return `${lineColumnAt(text, text.length)} (the text ends too early)`;
  return undefined;
}

function yamlPositionOf(text: string): string | undefined {
  const doc = yamlModule().parseDocument(text, { schema: 'json', uniqueKeys: false, prettyErrors: true, logLevel: 'error' });
  const first = doc.errors[0];
  return first ? describePosition(first.linePos) || undefined : undefined;
}

function parseJson(text: string, file: string | undefined): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse messages may quote the input, so only the offset is taken from them; without one,
    // the YAML parser (which reads JSON) is asked where it stops; at the end means "cut short".
    const where = jsonErrorPosition(text, error) ?? yamlPositionOf(text);
    throw new ConfigError([{ path: '', message: `JSON syntax error${where ? ` at ${where}` : ''}: the file is not valid JSON` }], { file });
  }
  // Valid JSON silently keeps the last of two equal keys; re-read it to report duplicates by path.
  // Only duplicates are taken from this second read: the text is already known to be valid JSON.
  const duplicates = findDuplicateKeys(yamlModule().parseDocument(text, { schema: 'json', uniqueKeys: false, logLevel: 'error' }));
  if (duplicates.length > 0) throw new ConfigError(duplicates, { file });
  return value;
}

/**
 * Parse config text into a plain tree. Never quotes file content in an error: syntax errors give
 * line and column; duplicate keys (including ids repeated through YAML `<<` merges and anchors)
 * give the path.
 *
 * @throws ConfigError for syntax errors, duplicate keys, alias bombs and absurd nesting.
 */
export function parseConfigText(text: string, options: { format: ConfigFormat; file?: string | undefined }): unknown {
  const { format, file } = options;
  assertFlowDepth(text, file);
  try {
    return format === 'json' ? parseJson(text, file) : parseYaml(text, file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // RangeError (nesting beyond the stack) or ReferenceError (excessive aliases): no message is kept.
    throw new ConfigError(
      [{ path: '', message: `the ${format === 'json' ? 'JSON' : 'YAML'} could not be read: it is nested too deeply or expands too many aliases` }],
      { file },
    );
  }
}
