import { yamlModule } from './yaml-module.js';

/** A `{`, `[` or quote that the YAML text opens and never closes, with its 1-based position. */
export interface UnclosedOpener {
  readonly char: '{' | '[' | '"' | "'";
  readonly line: number;
  readonly col: number;
}

/** The parts of the `yaml` package's CST tokens this walk reads (structural, so it needs no CST types). */
interface TokenLike {
  readonly type?: string;
  readonly offset?: number;
  readonly source?: string;
  readonly start?: TokenLike | readonly TokenLike[];
  readonly end?: readonly TokenLike[];
  readonly value?: TokenLike;
  readonly key?: TokenLike | null;
  readonly items?: readonly { readonly key?: TokenLike | null; readonly value?: TokenLike }[];
}

const CLOSERS: Readonly<Record<string, string>> = { '{': 'flow-map-end', '[': 'flow-seq-end' };

/** The offset and character of the first opener under `token` (depth first, so the outermost) left open. */
function firstUnclosed(token: TokenLike | null | undefined, depth = 0): { offset: number; char: UnclosedOpener['char'] } | undefined {
  if (!token || depth > 200) return undefined;
  if (token.type === 'flow-collection' && token.start && !Array.isArray(token.start)) {
    const start = token.start as TokenLike;
    const char = start.source === '[' ? '[' : '{';
    if (!(token.end ?? []).some((t) => t.type === CLOSERS[char])) return { offset: start.offset ?? 0, char };
  }
  if ((token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') && typeof token.source === 'string') {
    const quote = token.type === 'double-quoted-scalar' ? '"' : "'";
    const src = token.source;
    // Closed when it ends in its quote (and, for "…", that quote is not escaped).
    const closed = src.length >= 2 && src.endsWith(quote) && (quote === "'" || !/(^|[^\\])(\\\\)*\\"$/.test(src));
    if (!closed) return { offset: token.offset ?? 0, char: quote };
  }
  for (const child of [token.value, ...(token.items ?? []).flatMap((item) => [item.key, item.value])]) {
    const found = firstUnclosed(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Where a flow collection or quoted string that never closes was opened. The `yaml` package
 * reports such a file where it gives up (the line after, or the end of the file), which is not
 * the line a user has to fix.
 */
export function findUnclosedOpener(text: string): UnclosedOpener | undefined {
  const { LineCounter, Parser } = yamlModule();
  const lines = new LineCounter();
  for (const token of new Parser(lines.addNewLine).parse(text)) {
    const found = firstUnclosed(token as TokenLike);
    if (found) {
      const { line, col } = lines.linePos(found.offset);
      return { char: found.char, line, col };
    }
  }
  return undefined;
}
