/**
 * A fast path for the YAML most config files are written in: block mappings, one-line flow
 * mappings, plain words, small integers, true/false/null and quotes without escapes. The `yaml`
 * package reads a 10-line config in tens of milliseconds on a cold start (its code is not yet
 * optimised), which was a fifth of `buildsecrets plan`. Anything outside the subset — sequences,
 * anchors, tags, block scalars, comments inside quotes, floats, dates, duplicate keys, odd
 * indentation — returns `undefined`, and the caller parses with `yaml` as before, so every
 * error (and every unusual value) still comes from the real parser. simple-yaml.test.ts checks
 * that whatever this accepts, `yaml` reads the same way.
 */

/** A key: a plain word. Words YAML would read as something else (true, null, numbers) are refused. */
const KEY = /^[A-Za-z_$][A-Za-z0-9_.$-]{0,127}$/;
/** Plain values in block context: no spaces, no indicator first, no `#`, quotes, `,`, `[`, `]`. */
const BLOCK_PLAIN = /^[A-Za-z0-9_$/.][A-Za-z0-9_$/.:@+=~{}-]*$/;
/** Plain values inside `{ … }`: also no `{`, `}` or `:`. */
const FLOW_PLAIN = /^[A-Za-z0-9_$/.][A-Za-z0-9_$/.@+=~-]*$/;
const NULL_WORD = /^(?:~|null|Null|NULL)$/;
const TRUE_WORD = /^(?:true|True|TRUE)$/;
const FALSE_WORD = /^(?:false|False|FALSE)$/;
/** Keys that are words YAML gives another type, or that would touch an object's prototype. */
const RESERVED_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|__proto__|constructor|prototype)$/;
const MAX_FLOW_DEPTH = 8;

type Tree = Record<string, unknown>;
/** Thrown inside the fast path to give up; never escapes {@link parseSimpleYaml}. */
const GIVE_UP = Symbol('give up');

function giveUp(): never {
  throw GIVE_UP;
}

function plainScalar(text: string, flow: boolean): unknown {
  if (!(flow ? FLOW_PLAIN : BLOCK_PLAIN).test(text) || text.endsWith(':')) giveUp();
  if (NULL_WORD.test(text)) return null;
  if (TRUE_WORD.test(text)) return true;
  if (FALSE_WORD.test(text)) return false;
  if (/^[0-9]{1,15}$/.test(text)) return Number(text);
  // Anything else that starts like a number (floats, 0x/0o, dates, versions, .inf, .nan): the real parser decides.
  if (/^[-+]?(?:[0-9]|\.[0-9])/.test(text) || /^\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(text)) giveUp();
  return text;
}

function quotedScalar(text: string): string {
  const quote = text[0];
  const body = text.slice(1, -1);
  if (text.length < 2 || text[text.length - 1] !== quote || body.includes(quote!) || (quote === '"' && body.includes('\\'))) giveUp();
  return body;
}

function setKey(target: Tree, key: string, value: unknown): void {
  if (!KEY.test(key) || RESERVED_KEY.test(key) || Object.hasOwn(target, key)) giveUp();
  target[key] = value;
}

/** Reads `{ key: value, … }` starting at `text[at]`; returns the mapping and the index after `}`. */
function flowMapping(text: string, at: number, depth: number): { value: Tree; end: number } {
  if (depth > MAX_FLOW_DEPTH) giveUp();
  const out: Tree = {};
  let i = at + 1;
  const skipSpaces = (): void => {
    while (text[i] === ' ') i++;
  };
  skipSpaces();
  if (text[i] === '}') return { value: out, end: i + 1 };
  for (;;) {
    skipSpaces();
    const keyEnd = text.indexOf(':', i);
    if (keyEnd < 0 || text[keyEnd + 1] !== ' ') giveUp();
    const key = text.slice(i, keyEnd);
    i = keyEnd + 1;
    skipSpaces();
    let value: unknown;
    if (text[i] === '{') {
      const nested = flowMapping(text, i, depth + 1);
      value = nested.value;
      i = nested.end;
    } else if (text[i] === '"' || text[i] === "'") {
      const close = text.indexOf(text[i]!, i + 1);
      if (close < 0) giveUp();
      value = quotedScalar(text.slice(i, close + 1));
      i = close + 1;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '}' && text[end] !== ' ') end++;
      value = plainScalar(text.slice(i, end), true);
      i = end;
    }
    setKey(out, key, value);
    skipSpaces();
    if (text[i] === ',') {
      i++;
      skipSpaces();
      if (text[i] === '}') giveUp(); // a trailing comma: leave it to the real parser
      continue;
    }
    if (text[i] === '}') return { value: out, end: i + 1 };
    giveUp();
  }
}

function blockValue(text: string): unknown {
  if (text.startsWith('{')) {
    const { value, end } = flowMapping(text, 0, 1);
    if (end !== text.length) giveUp();
    return value;
  }
  if (text.startsWith('"') || text.startsWith("'")) return quotedScalar(text);
  return plainScalar(text, false);
}

/** The line without its comment; gives up where a `#` could belong to a value. */
function withoutComment(line: string): string {
  const hash = line.indexOf('#');
  if (hash < 0) return line.trimEnd();
  if (hash > 0 && line[hash - 1] !== ' ') giveUp();
  const kept = line.slice(0, hash);
  if (kept.includes('"') || kept.includes("'")) giveUp();
  return kept.trimEnd();
}

/**
 * The tree `yaml` would build for `text`, when `text` only uses the simple subset described
 * above; otherwise `undefined` (parse it with the `yaml` package).
 */
export function parseSimpleYaml(text: string): Tree | undefined {
  if (/[\t\r\0\uFEFF]/.test(text)) return undefined;
  try {
    const root: Tree = {};
    const stack: { indent: number; tree: Tree }[] = [{ indent: 0, tree: root }];
    let pending: { key: string; parent: { indent: number; tree: Tree } } | undefined;
    let sawContent = false;
    for (const raw of text.split('\n')) {
      const line = withoutComment(raw);
      if (line.trim() === '') continue;
      const indent = line.length - line.trimStart().length;
      const content = line.slice(indent);
      if (!sawContent && indent !== 0) giveUp();
      sawContent = true;
      const colon = content.indexOf(':');
      if (colon < 0 || (colon + 1 < content.length && content[colon + 1] !== ' ')) giveUp();
      const key = content.slice(0, colon);
      const value = content.slice(colon + 1).trim();
      if (pending) {
        if (indent > pending.parent.indent) {
          const child: Tree = {};
          setKey(pending.parent.tree, pending.key, child);
          stack.push({ indent, tree: child });
        } else {
          setKey(pending.parent.tree, pending.key, null);
        }
        pending = undefined;
      }
      while (stack.length > 1 && stack[stack.length - 1]!.indent > indent) stack.pop();
      const top = stack[stack.length - 1]!;
      if (top.indent !== indent) giveUp();
      if (value === '') {
        if (!KEY.test(key) || RESERVED_KEY.test(key) || Object.hasOwn(top.tree, key)) giveUp();
        pending = { key, parent: top };
      } else {
        setKey(top.tree, key, blockValue(value));
      }
    }
    if (pending) setKey(pending.parent.tree, pending.key, null);
    // An empty or comment-only file: the real parser says what that is.
    return sawContent ? root : undefined;
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}
