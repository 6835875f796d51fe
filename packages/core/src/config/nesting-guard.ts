import { ConfigError } from '../errors/index.js';

/** Deepest `[`/`{` nesting accepted. Real configs use fewer than ten; the YAML lexer runs out of memory near 5000. */
export const MAX_FLOW_DEPTH = 64;

/**
 * Refuse text whose bracket nesting is absurd before a parser sees it: the `yaml` lexer exhausts
 * memory (killing the process) on a few thousand nested `[`. Quoted strings and comments are
 * skipped; brackets in plain scalars count, which only errs towards refusing, far above real use.
 */
export function assertFlowDepth(text: string, file: string | undefined): void {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") {
      // A quote inside a plain word (`don't`) does not open a string.
      const before = i === 0 ? ' ' : text[i - 1]!;
      if (/[\s[{,:]/.test(before)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > MAX_FLOW_DEPTH) {
        throw new ConfigError([{ path: '', message: `the config nests [ ] / { } more than ${MAX_FLOW_DEPTH} levels deep` }], { file });
      }
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
}
