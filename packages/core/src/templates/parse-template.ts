/**
 * The template language of rendered secrets, deliberately tiny:
 *
 *   text {{ secret "npm_token" }} text {{ secret "auth" | base64 }} {{ "{{" }}
 *
 * An action is either `secret "<id>"` followed by zero or more `| base64` / `| json` filters, or a
 * JSON string literal (to write a literal `{{`). Nothing else: no variables, no field access, no
 * conditionals, no functions — so no placeholder can reach a provider's metadata, and every
 * reference can be checked when the config is loaded.
 *
 * Why not a template library: the well-kept ones (Handlebars, Mustache, Nunjucks, Liquid, Eta)
 * each bring an expression language with context lookup (`{{ a.b }}`), helpers, partials or HTML
 * escaping on by default, none has this `secret "id" | filter` syntax, and all render through
 * immutable JS strings the caller cannot wipe. A closed grammar we can validate statically and
 * render straight into Buffers is smaller than the configuration needed to fence any of them in.
 */

/** Filters a `secret` placeholder may apply, in order. */
export const TEMPLATE_FILTERS = ['base64', 'json'] as const;
/** One filter. */
export type TemplateFilter = (typeof TEMPLATE_FILTERS)[number];

/** A piece of a parsed template. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'secret'; readonly id: string; readonly filters: readonly TemplateFilter[]; readonly line: number };

/** A template problem: where and what (never the template text around it, which may hold literal credentials). */
export interface TemplateProblem {
  /** 1-based line of the template. */
  readonly line: number;
  /** What is wrong. */
  readonly message: string;
}

/** Names a placeholder might use to print something other than a secret's value. */
const METADATA_WORDS = /^(\.|version|versions|metadata|meta|ref|key|provider|from|options|env|created|expires|ttl|lease)/i;

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Read one JSON string literal at the start of `src`; returns it and the rest, or undefined. */
function readStringLiteral(src: string): [string, string] | undefined {
  const match = /^"(?:[^"\\\n]|\\.)*"/.exec(src);
  if (!match) return undefined;
  try {
    return [JSON.parse(match[0]) as string, src.slice(match[0].length)];
  } catch {
    return undefined;
  }
}

function parseAction(body: string, line: number): TemplatePart | TemplateProblem {
  const action = body.trim();
  if (action.startsWith('"')) {
    const literal = readStringLiteral(action);
    if (!literal || literal[1].trim() !== '') return { line, message: 'a string placeholder must be one JSON string, e.g. {{ "{{" }}' };
    return { kind: 'text', text: literal[0] };
  }
  const head = /^([A-Za-z_.][A-Za-z0-9_.]*)\s*/.exec(action);
  if (!head || head[1] !== 'secret') {
    const word = head?.[1] ?? action.slice(0, 20);
    if (METADATA_WORDS.test(word)) {
      return { line, message: `placeholder "${word}" would print provider metadata; a template may only embed secret values: {{ secret "<id>" }}` };
    }
    return { line, message: `unknown placeholder "${word}"; use {{ secret "<id>" }} with optional | base64 or | json` };
  }
  const literal = readStringLiteral(action.slice(head[0].length));
  if (!literal) return { line, message: 'secret needs the id as a double-quoted string: {{ secret "npm_token" }}' };
  const [id, rest] = literal;
  const filters: TemplateFilter[] = [];
  const tail = rest.trim();
  if (tail !== '') {
    if (!tail.startsWith('|')) return { line, message: `unexpected "${tail.slice(0, 20)}" after secret "${id}"; filters are written | base64 or | json` };
    for (const raw of tail.slice(1).split('|')) {
      const name = raw.trim();
      if (!(TEMPLATE_FILTERS as readonly string[]).includes(name)) {
        if (METADATA_WORDS.test(name)) return { line, message: `filter "${name}" would print provider metadata; a template may only embed secret values` };
        return { line, message: `unknown filter "${name.slice(0, 20)}"; known: ${TEMPLATE_FILTERS.join(', ')}` };
      }
      filters.push(name as TemplateFilter);
    }
  }
  return { kind: 'secret', id, filters, line };
}

/**
 * Parse a template. Literal text is kept as written (a `}}` outside an action is text); every
 * problem is reported with its line, none stops the scan.
 */
export function parseTemplate(text: string): { readonly parts: readonly TemplatePart[]; readonly problems: readonly TemplateProblem[] } {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    if (open < 0) {
      parts.push({ kind: 'text', text: text.slice(pos) });
      break;
    }
    if (open > pos) parts.push({ kind: 'text', text: text.slice(pos, open) });
    const line = lineAt(text, open);
    const close = text.indexOf('}}', open + 2);
    const newline = text.indexOf('\n', open + 2);
    if (close < 0 || (newline >= 0 && newline < close)) {
      problems.push({ line, message: 'a placeholder opened with {{ is not closed with }} on the same line (write a literal {{ as {{ "{{" }})' });
      pos = newline < 0 ? text.length : newline;
      continue;
    }
    const part = parseAction(text.slice(open + 2, close), line);
    if ('kind' in part) parts.push(part);
    else problems.push(part);
    pos = close + 2;
  }
  return { parts, problems };
}

/** The secret ids a parsed template names, in order of first use. */
export function templateReferences(parts: readonly TemplatePart[]): string[] {
  return [...new Set(parts.flatMap((p) => (p.kind === 'secret' ? [p.id] : [])))];
}
