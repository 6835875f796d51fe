/** The builder flags at the start of an instruction and the text after them. */
export interface ExtractedFlags {
  /** Each `--flag[=value]` word, quotes removed. */
  readonly flags: string[];
  /** The rest of the line (the command). */
  readonly rest: string;
}

const isSpace = (ch: string): boolean => /\s/.test(ch);

/**
 * Take the leading `--flag` words off an instruction's arguments, as BuildKit's
 * `extractBuilderFlags` does: quotes inside a flag word are removed (so `--mount="a,b"` reads
 * `--mount=a,b`), a backslash protects the next character, and the first word that does not
 * start with `--` (or a bare `--`) ends the flags.
 */
export function extractBuilderFlags(line: string): ExtractedFlags {
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < line.length && isSpace(line[pos]!)) pos++;
    if (pos >= line.length) return { flags, rest: '' };
    if (!line.startsWith('--', pos)) return { flags, rest: line.slice(pos) };
    let word = '';
    let quote = '';
    let blankOk = false;
    for (; pos < line.length; pos++) {
      let ch = line[pos]!;
      if (!quote && isSpace(ch)) break;
      if (!quote && (ch === '"' || ch === "'")) {
        quote = ch;
        blankOk = true;
        continue;
      }
      if (quote && ch === quote) {
        quote = '';
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === line.length) continue;
        ch = line[++pos]!;
      }
      word += ch;
    }
    if (word === '--') return { flags, rest: line.slice(pos) };
    if (blankOk || word.length > 0) flags.push(word);
  }
}

/** One parsed `--name=value` flag. */
export interface BuilderFlag {
  /** Flag name without the dashes. */
  readonly name: string;
  /** Its value; undefined when the flag had no `=`. */
  readonly value: string | undefined;
}

/** Split a flag word into name and value. */
export function parseFlagWord(word: string): BuilderFlag {
  const body = word.startsWith('--') ? word.slice(2) : word;
  const eq = body.indexOf('=');
  return eq < 0 ? { name: body, value: undefined } : { name: body.slice(0, eq), value: body.slice(eq + 1) };
}

/** Whether a command is the JSON (exec) form: a JSON array of strings. */
export function isExecForm(command: string): boolean {
  const trimmed = command.trim();
  if (!trimmed.startsWith('[')) return false;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string');
  } catch {
    return false;
  }
}
