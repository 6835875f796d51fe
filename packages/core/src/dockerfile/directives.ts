import type { DockerfileDiagnostic, DockerfileDirectives, EscapeChar } from './types.js';

const DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=(.*)$/;
/** The directives BuildKit knows; any other `# key=value` line ends the directive block. */
const KNOWN = new Set(['syntax', 'escape', 'check']);

/** The directives and how many leading lines they occupy. */
export interface DirectiveScan {
  /** What was found. */
  readonly directives: DockerfileDirectives;
  /** Problems (duplicate directive, unsupported escape character). */
  readonly diagnostics: DockerfileDiagnostic[];
}

/**
 * Read parser directives (`# syntax=…`, `# escape=…`). Like BuildKit, they are only honoured
 * at the very top: the first line that is not `# key=value` (a blank line, another comment, an
 * instruction) ends them.
 */
export function scanDirectives(lines: readonly string[]): DirectiveScan {
  const all: Record<string, string> = {};
  const diagnostics: DockerfileDiagnostic[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = DIRECTIVE.exec(lines[i]!.trimStart());
    const value = match?.[2]?.trim();
    if (!match || !value) break;
    const key = match[1]!.toLowerCase();
    if (!KNOWN.has(key)) break;
    if (key in all) {
      diagnostics.push({ severity: 'error', code: 'duplicate-directive', message: `parser directive "${key}" is given twice`, line: i + 1 });
      continue;
    }
    all[key] = value;
  }
  let escape: EscapeChar = '\\';
  const requested = all['escape'];
  if (requested === '`') escape = '`';
  else if (requested !== undefined && requested !== '\\') {
    diagnostics.push({ severity: 'error', code: 'invalid-escape', message: 'the escape directive must be a backslash or a backtick', line: undefined });
  }
  return { directives: { syntax: all['syntax'], escape, all }, diagnostics };
}
