/**
 * Static expansion of `$VAR` / `${VAR}` / `${VAR:-word}` / `${VAR-word}` / `${VAR:+word}` /
 * `${VAR+word}` in a stage reference (a `FROM` base, `COPY --from=`, `RUN --mount=from=`), with the
 * ARG values known before the build. Anything this cannot decide (a variable the build sets, such
 * as an ENV or a platform ARG, or an expansion form it does not know) yields `undefined`, and the
 * caller must assume the worst: the reference may name any stage.
 */

/** A variable's state as far as the static analysis knows it. */
export type KnownVariable = { readonly kind: 'value'; readonly value: string } | { readonly kind: 'unknown' };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Expand `text` with `lookup`; `undefined` when the result depends on something not known statically. */
export function expandStatically(text: string, lookup: (name: string) => KnownVariable | undefined): string | undefined {
  let out = '';
  for (let pos = 0; pos < text.length; pos++) {
    const ch = text[pos]!;
    if (ch === '\\' && pos + 1 < text.length) {
      out += text[++pos]!;
      continue;
    }
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const braced = text[pos + 1] === '{';
    const start = pos + (braced ? 2 : 1);
    const name = NAME.exec(text.slice(start))?.[0];
    if (!name) return undefined;
    let end = start + name.length;
    let op = '';
    let word = '';
    if (braced) {
      const close = text.indexOf('}', end);
      if (close < 0) return undefined;
      const modifier = text.slice(end, close);
      const form = /^(:?[-+])(.*)$/s.exec(modifier);
      if (modifier !== '' && !form) return undefined;
      op = form?.[1] ?? '';
      word = form?.[2] ?? '';
      if (word.includes('$')) return undefined;
      end = close + 1;
    }
    const known = lookup(name);
    if (known?.kind === 'unknown') return undefined;
    const value = known?.value;
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    if (op === ':-') out += nonEmpty ? value : word;
    else if (op === '-') out += set ? value : word;
    else if (op === ':+') out += nonEmpty ? word : '';
    else if (op === '+') out += set ? word : '';
    // Unset and no default expands to nothing, as BuildKit does.
    else out += value ?? '';
    pos = end - 1;
  }
  return out;
}
