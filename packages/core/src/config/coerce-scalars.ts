import type { z } from 'zod';

/**
 * `${VAR}` interpolation always produces strings, and YAML reads `version: 2` as a number. So that
 * a port, a timeout or a flag can come from the environment, and a version can be written bare,
 * a schema's "expected number/boolean, got a string" is answered by converting the string when it
 * is exactly a number (`8200`, `1.5`, `-3`) or `true`/`false`, and "expected string, got a number"
 * at a `version` key by converting the integer to its decimal text. Anything else still fails.
 */
type Path = readonly PropertyKey[];
interface Fix {
  readonly path: Path;
  readonly value: unknown;
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

function at(input: unknown, path: Path): unknown {
  let node = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

interface LooseIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly expected?: unknown;
  readonly errors?: readonly (readonly LooseIssue[])[];
  readonly values?: readonly unknown[];
}

function fixesFor(issues: readonly LooseIssue[], input: unknown, prefix: Path, out: Fix[]): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors) {
      for (const branch of issue.errors) fixesFor(branch, input, path, out);
      continue;
    }
    const value = at(input, path);
    // `version: ${CONFIG_VERSION}` against a literal 1.
    if (issue.code === 'invalid_value' && typeof value === 'string' && NUMBER.test(value.trim()) && issue.values?.includes(Number(value.trim()))) {
      out.push({ path, value: Number(value.trim()) });
      continue;
    }
    if (issue.code !== 'invalid_type') continue;
    if (typeof value === 'string') {
      const text = value.trim();
      if (issue.expected === 'number' && NUMBER.test(text)) out.push({ path, value: Number(text) });
      else if (issue.expected === 'boolean' && (text === 'true' || text === 'false')) out.push({ path, value: text === 'true' });
    } else if (typeof value === 'number' && issue.expected === 'string' && Number.isSafeInteger(value) && path[path.length - 1] === 'version') {
      out.push({ path, value: String(value) });
    }
  }
}

function withFixes(input: unknown, fixes: readonly Fix[]): unknown {
  const copy = structuredClone(input);
  for (const { path, value } of fixes) {
    const parent = at(copy, path.slice(0, -1));
    if (typeof parent === 'object' && parent !== null) (parent as Record<PropertyKey, unknown>)[path[path.length - 1]!] = value;
  }
  return copy;
}

/**
 * A config is parsed once per run: zod's eval-compiled fast path (generated per object schema on
 * its first parse) costs more to build than it saves, and showed up in every CLI start-up.
 */
const ONE_SHOT = { jitless: true } as const;

/** `schema.safeParse(input)`, converting scalar strings (and bare integer versions) where the schema asks for it. */
export function safeParseCoercing<S extends z.ZodType>(schema: S, input: unknown): ReturnType<S['safeParse']> {
  let current = input;
  let result = schema.safeParse(current, ONE_SHOT) as ReturnType<S['safeParse']>;
  // A few rounds: a union branch may only show its next problem after the first is fixed.
  for (let round = 0; round < 4 && !result.success; round++) {
    const fixes: Fix[] = [];
    fixesFor(result.error.issues as unknown as LooseIssue[], current, [], fixes);
    if (fixes.length === 0) break;
    const next = withFixes(current, fixes);
    const retry = schema.safeParse(next, ONE_SHOT) as ReturnType<S['safeParse']>;
    // Only keep a conversion that helped: fewer problems than before.
    if (!retry.success && retry.error.issues.length >= result.error.issues.length) break;
    current = next;
    result = retry;
  }
  return result;
}
