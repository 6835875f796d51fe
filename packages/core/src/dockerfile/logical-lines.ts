import { closesHeredoc, findHeredocs } from './heredoc.js';
import { extractBuilderFlags, isExecForm } from './run-flags.js';
import type { DockerfileDiagnostic, EscapeChar } from './types.js';
import { splitFirstWord } from './words.js';

/** One instruction after continuations are joined and heredoc bodies are set aside. */
export interface LogicalInstruction {
  /** The instruction keyword, upper-cased (`RUN`, `FROM`, …). */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string;
  /** 1-based line the instruction starts on. */
  readonly line: number;
  /** How many heredoc bodies follow it. */
  readonly heredocs: number;
}

/** Instructions whose arguments may open heredocs. */
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

const isComment = (line: string): boolean => line.trimStart().startsWith('#');

/** Strip a trailing escape character (plus spaces/tabs after it); report whether the line continues. */
function trimContinuation(line: string, escape: EscapeChar): [string, boolean] {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  if (end > 0 && line[end - 1] === escape) return [line.slice(0, end - 1), true];
  return [line, false];
}

/**
 * Turn Dockerfile lines into instructions the way BuildKit's parser reads them: comment lines and
 * blank lines are skipped (also inside a continuation), an escape character at the end of a line
 * joins the next one, and the bodies of heredocs opened by RUN/COPY/ADD are consumed (never read
 * as instructions). One pass over the lines: linear in the size of the file.
 */
export function readInstructions(lines: readonly string[], escape: EscapeChar, diagnostics: DockerfileDiagnostic[]): LogicalInstruction[] {
  const out: LogicalInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    const first = lines[i++]!.trimStart();
    if (first.startsWith('#')) continue;
    let [text, continues] = trimContinuation(first, escape);
    if (!continues && text.trim() === '') continue;
    const parts = [text];
    while (continues && i < lines.length) {
      const next = lines[i++]!;
      if (isComment(next) || next.trim() === '') continue;
      [text, continues] = trimContinuation(next, escape);
      parts.push(text);
    }
    const joined = parts.join('');
    if (joined.trim() === '') continue;
    const [word, args] = splitFirstWord(joined);
    const keyword = word.toUpperCase();
    let heredocs = 0;
    if (HEREDOC_KEYWORDS.has(keyword) && args.includes('<<') && !isExecForm(extractBuilderFlags(args).rest)) {
      for (const marker of findHeredocs(args)) {
        let closed = false;
        while (i < lines.length) {
          if (closesHeredoc(lines[i++]!, marker)) {
            closed = true;
            break;
          }
        }
        if (!closed) {
          diagnostics.push({ severity: 'error', code: 'unterminated-heredoc', message: `heredoc "${marker.name}" opened by ${keyword} on line ${startLine} is never closed`, line: startLine });
          break;
        }
        heredocs++;
      }
    }
    out.push({ keyword, args, line: startLine, heredocs });
  }
  return out;
}
