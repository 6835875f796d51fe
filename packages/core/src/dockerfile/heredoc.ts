import { splitWords, unquoteWord } from './words.js';

/** A heredoc opened on an instruction line. */
export interface HeredocMarker {
  /** The terminator line (quotes removed). */
  readonly name: string;
  /** `<<-`: leading tabs are stripped before comparing with the terminator. */
  readonly chomp: boolean;
}

const HEREDOC = /^(\d*)<<(-?)([^<]*)$/;

/**
 * Find every heredoc an instruction line opens (`<<EOF`, `<<-EOF`, `<<'EOF'`, `<<"EOF"`,
 * `3<<EOF`), in order. Words are read with their quotes kept, so a quoted `"<<EOF"` is text.
 */
export function findHeredocs(line: string): HeredocMarker[] {
  if (!line.includes('<<')) return [];
  const markers: HeredocMarker[] = [];
  for (const word of splitWords(line, '\\')) {
    const match = HEREDOC.exec(word);
    if (!match) continue;
    const rest = match[3]!;
    if (rest.length === 0) continue;
    const inner = splitWords(rest, '\\');
    if (inner.length !== 1) continue;
    const name = unquoteWord(inner[0]!, '\\');
    if (name.length === 0) continue;
    markers.push({ name, chomp: match[2] === '-' });
  }
  return markers;
}

/** Whether a body line closes the heredoc. */
export function closesHeredoc(line: string, marker: HeredocMarker): boolean {
  const candidate = marker.chomp ? line.replace(/^\t+/, '') : line;
  return candidate === marker.name;
}
