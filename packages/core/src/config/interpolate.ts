import type { ConfigIssue } from '../errors/index.js';
import { formatPath, type PathSegment } from './issue-path.js';

/** A value that came from the environment and must be registered with the redactor. */
export interface SensitiveValue {
  /** The environment variable it came from. */
  readonly label: string;
  /** The value itself. */
  readonly value: string;
}

/** What interpolating a config tree produced. */
export interface InterpolationResult {
  /** A copy of the tree with every `${VAR}` replaced (the input is not modified). */
  readonly value: unknown;
  /** Every non-empty value taken from the environment, labelled by variable name. */
  readonly sensitive: readonly SensitiveValue[];
  /** Dotted paths of strings that received an environment value; errors must not quote them. */
  readonly interpolatedPaths: ReadonlySet<string>;
  /** Unset variables and malformed references, by path. */
  readonly issues: readonly ConfigIssue[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
const MAX_DEPTH = 64;

type StringResult = { ok: true; value: string; used: SensitiveValue[] } | { ok: false; message: string };

/**
 * Replace `${VAR}` and `${VAR:-default}` in one string; `$${` is a literal `${`. The default is used
 * when the variable is unset or empty. Messages name the variable but never quote its value or the
 * text between the braces.
 */
export function interpolateString(input: string, env: Readonly<Record<string, string | undefined>>): StringResult {
  let out = '';
  const used: SensitiveValue[] = [];
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!input.startsWith('${', i)) {
      out += input[i];
      i += 1;
      continue;
    }
    const close = input.indexOf('}', i + 2);
    if (close === -1) return { ok: false, message: 'a "${" is not closed with "}"; write $${ for a literal ${' };
    const inner = input.slice(i + 2, close);
    const match = REFERENCE.exec(inner);
    if (!match || inner.includes('${') || match[2]?.includes('${')) {
      return {
        ok: false,
        message: 'malformed ${...} reference: write ${NAME} or ${NAME:-default}, where NAME uses letters, digits and _ and does not start with a digit (nesting is not supported; write $${ for a literal ${)',
      };
    }
    const name = match[1]!;
    const fallback = match[2];
    const fromEnv = env[name];
    if (fromEnv !== undefined && (fromEnv !== '' || fallback === undefined)) {
      out += fromEnv;
      if (fromEnv !== '') used.push({ label: name, value: fromEnv });
    } else if (fallback !== undefined) {
      out += fallback;
    } else {
      return { ok: false, message: `environment variable ${name} is not set; set it or write \${${name}:-default}` };
    }
    i = close + 1;
  }
  return { ok: true, value: out, used };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Interpolate every string value in a config tree (keys are left alone), including provider options.
 * Unlike the shell, a variable that is set but empty counts as set for `${VAR}`.
 */
export function interpolateConfig(tree: unknown, env: Readonly<Record<string, string | undefined>>): InterpolationResult {
  const sensitive = new Map<string, SensitiveValue>();
  const interpolatedPaths = new Set<string>();
  const issues: ConfigIssue[] = [];
  const ancestors = new Set<object>();

  const visit = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('${')) return node;
      const result = interpolateString(node, env);
      if (!result.ok) {
        issues.push({ path: formatPath(path), message: result.message });
        return node;
      }
      if (result.used.length > 0) interpolatedPaths.add(formatPath(path));
      for (const s of result.used) sensitive.set(`${s.label}\u0000${s.value}`, s);
      return result.value;
    }
    if (!Array.isArray(node) && !isPlainObject(node)) return node;
    if (ancestors.has(node) || path.length > MAX_DEPTH) {
      issues.push({ path: formatPath(path), message: 'the config refers to itself or is nested too deeply' });
      return undefined;
    }
    ancestors.add(node);
    try {
      if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
      const copy: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        // defineProperty, so a `__proto__` key stays a plain (and later rejected) key.
        Object.defineProperty(copy, key, { value: visit(value, [...path, key]), enumerable: true, writable: true, configurable: true });
      }
      return copy;
    } finally {
      ancestors.delete(node);
    }
  };

  const value = visit(tree, []);
  return { value, sensitive: [...sensitive.values()], interpolatedPaths, issues };
}
