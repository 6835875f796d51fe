import type { ConfigIssue } from '../errors/index.js';
import { didYouMean } from './did-you-mean.js';
import { describeType, formatPath, valueAt, type PathSegment } from './issue-path.js';
import { allowedKeys, schemaAt, unionForms } from './schema-walk.js';

/** The fields of a zod issue we read (structural, so issues from another zod copy work too). */
interface IssueLike {
  readonly code?: unknown;
  readonly path?: readonly PropertyKey[];
  readonly message?: unknown;
  readonly expected?: unknown;
  readonly values?: readonly unknown[];
  readonly format?: unknown;
  readonly pattern?: unknown;
  readonly origin?: unknown;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly inclusive?: unknown;
  readonly divisor?: unknown;
  readonly keys?: readonly unknown[];
  readonly errors?: readonly (readonly IssueLike[])[];
  readonly issues?: readonly IssueLike[];
}

/** Where the issues come from: the raw input (to describe types) and the schema (to list keys). */
export interface IssueContext {
  /** The tree that was validated. */
  readonly input: unknown;
  /** The schema it was validated with. */
  readonly schema: unknown;
  /** Path of `input` inside the whole config (`['providers', 'x', 'options']` for plugin options). */
  readonly prefix: readonly PathSegment[];
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string', number: 'a number', int: 'an integer', boolean: 'a boolean', object: 'a mapping',
  record: 'a mapping', map: 'a mapping', array: 'a list', tuple: 'a list', bigint: 'an integer', null: 'null',
};
/** zod's own English messages; anything else was written by a schema author. */
const DEFAULT_MESSAGE = /^(Invalid|Too (big|small)|Unrecognized key|Expected|Required)/;

function formatLiteral(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function joinOr(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

/** A schema author's message, unless it is zod's default wording or quotes the offending value. */
function authoredMessage(issue: IssueLike, value: unknown): string | undefined {
  const message = issue.message;
  if (typeof message !== 'string' || message === '' || DEFAULT_MESSAGE.test(message)) return undefined;
  if (typeof value === 'string' && value.length >= 3 && message.includes(value)) return undefined;
  return message;
}

function sizeMessage(issue: IssueLike, bound: 'min' | 'max'): string {
  const limit = bound === 'min' ? issue.minimum : issue.maximum;
  const n = typeof limit === 'bigint' || typeof limit === 'number' ? String(limit) : '?';
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      if (bound === 'min' && n === '1') return 'must not be empty';
      return `must be at ${bound === 'min' ? 'least' : 'most'} ${n} characters long`;
    case 'array':
    case 'set':
      return `must have at ${bound === 'min' ? 'least' : 'most'} ${n} items`;
    default:
      if (bound === 'min') return inclusive ? `must be at least ${n}` : `must be greater than ${n}`;
      return inclusive ? `must be at most ${n}` : `must be less than ${n}`;
  }
}

function unionMessage(issue: IssueLike): string {
  const forms: string[] = [];
  for (const branch of issue.errors ?? []) {
    const first = branch[0];
    if (!first || (first.path?.length ?? 0) > 0) return 'does not match any of the allowed forms';
    if (first.code === 'invalid_type' && typeof first.expected === 'string') forms.push(EXPECTED[first.expected] ?? first.expected);
    else if (first.code === 'invalid_value') forms.push(...(first.values ?? []).map(formatLiteral));
    else return 'does not match any of the allowed forms';
  }
  return forms.length ? `must be ${joinOr(forms)}` : 'does not match any of the allowed forms';
}

function describeIssue(issue: IssueLike, path: readonly PropertyKey[], context: IssueContext): string {
  const value = valueAt(context.input, path);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = typeof issue.expected === 'string' ? (EXPECTED[issue.expected] ?? issue.expected) : 'another type';
      if (value === undefined) return `is required (${expected})`;
      const none = value === null && expected === 'a mapping' ? '; write {} for none' : '';
      return `expected ${expected}, got ${describeType(value)}${none}`;
    }
    case 'invalid_value': {
      const values = issue.values ?? [];
      if (context.prefix.length === 0 && path.length === 1 && path[0] === 'version') {
        if (value === undefined) return 'is required: write `version: 1` at the top of the file';
        return `unsupported config version; this buildsecrets reads version ${values.map(formatLiteral).join(', ')} (write \`version: 1\`)`;
      }
      if (value === undefined && path.length > 0) return `is required (${values.length === 1 ? formatLiteral(values[0]) : `one of: ${values.map(formatLiteral).join(', ')}`})`;
      return values.length === 1 ? `must be ${formatLiteral(values[0])}` : `must be one of: ${values.map(formatLiteral).join(', ')}`;
    }
    case 'invalid_format': {
      const authored = authoredMessage(issue, value);
      if (authored) return authored;
      if (issue.format === 'regex' && typeof issue.pattern === 'string') return `does not have the expected format (must match ${issue.pattern})`;
      return `must be a valid ${typeof issue.format === 'string' ? issue.format : 'value'}`;
    }
    case 'too_small':
      return sizeMessage(issue, 'min');
    case 'too_big':
      return sizeMessage(issue, 'max');
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      {
        // A union of objects (provider option forms): name each form and the keys it needs.
        const forms = unionForms(schemaAt(context.schema, path));
        if (forms && forms.length > 1) return `matches none of its ${forms.length} forms: ${forms.join(' or ')}`;
        return unionMessage(issue);
      }
    case 'invalid_key': {
      const nested = (issue.issues ?? []).map((i) => authoredMessage(i, path[path.length - 1])).find(Boolean);
      return `"${String(path[path.length - 1])}" is not a valid name${nested ? `: ${nested}` : ''}`;
    }
    default:
      return authoredMessage(issue, value) ?? 'is invalid';
  }
}

/**
 * Turn zod issues into {@link ConfigIssue}s with dotted paths and our own wording. zod's messages
 * for enums, literals and regexes can quote the input, so they are never passed through; a schema
 * author's own message is kept unless it contains the offending value.
 */
export function convertZodIssues(issues: readonly unknown[], context: IssueContext): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const raw of issues) {
    const issue = raw as IssueLike;
    const path = issue.path ?? [];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schemaAt(context.schema, path));
      for (const key of issue.keys ?? []) {
        const name = String(key);
        const hint = didYouMean(name, allowed) || (allowed.length ? `; allowed here: ${allowed.join(', ')}` : '');
        out.push({ path: formatPath([...context.prefix, ...path, name]), message: `unknown key "${name}"${hint}` });
      }
      continue;
    }
    out.push({ path: formatPath([...context.prefix, ...path]), message: describeIssue(issue, path, context) });
  }
  return out;
}
