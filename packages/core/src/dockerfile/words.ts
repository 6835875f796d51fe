import type { EscapeChar } from './types.js';

const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';

/**
 * Split an instruction's arguments into words the way BuildKit's `parseWords` does: whitespace
 * separates words except inside quotes, the escape character protects the next character, and
 * quotes and escapes are kept in the word (callers unquote what they need).
 */
export function splitWords(text: string, escape: EscapeChar = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos < text.length; pos++) {
    let ch = text[pos]!;
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === escape && quote !== "'") {
        if (pos + 1 === text.length) continue;
        word += ch;
        ch = text[++pos]!;
      }
      word += ch;
      continue;
    }
    if (isSpace(ch)) {
      if (inWord && (blankOk || word.length > 0)) words.push(word);
      inWord = false;
      word = '';
      blankOk = false;
      continue;
    }
    inWord = true;
    if (ch === "'" || ch === '"') {
      quote = ch;
      blankOk = true;
    } else if (ch === escape) {
      if (pos + 1 === text.length) continue;
      word += ch;
      ch = text[++pos]!;
    }
    word += ch;
  }
  if (inWord && (blankOk || word.length > 0)) words.push(word);
  return words;
}

/** Remove shell quoting from one word: `'…'` literally, `"…"` and bare text with escapes resolved. */
export function unquoteWord(word: string, escape: EscapeChar = '\\'): string {
  let out = '';
  let quote = '';
  for (let pos = 0; pos < word.length; pos++) {
    const ch = word[pos]!;
    if (quote === "'") {
      if (ch === "'") quote = '';
      else out += ch;
    } else if (ch === escape && pos + 1 < word.length) {
      out += word[++pos]!;
    } else if (quote === '"' && ch === '"') {
      quote = '';
    } else if (!quote && (ch === '"' || ch === "'")) {
      quote = ch;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Split on the first run of whitespace, as BuildKit separates an instruction from its arguments. */
export function splitFirstWord(text: string): [string, string] {
  const trimmed = text.trim();
  const match = /[ \t\v\f\r]+/.exec(trimmed);
  if (!match) return [trimmed, ''];
  return [trimmed.slice(0, match.index), trimmed.slice(match.index + match[0].length)];
}
