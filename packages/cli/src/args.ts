import { UsageError, closestMatch } from '@buildsecrets/core';

/** How one option is parsed. */
export interface OptionSpec {
  /** `boolean` flags take no value; `string` takes one; `list` takes one per occurrence, or several after it until the next flag. */
  readonly type: 'boolean' | 'string' | 'list';
  /** One-letter alias (`-f`). */
  readonly short?: string;
  /** One line for help. */
  readonly description: string;
  /** Placeholder for the value in help (`FILE`). */
  readonly value?: string;
}

/** Options of a command by long name (without dashes). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What the CLI's argument parser returns. */
export interface ParsedArgs {
  /** Option values by long name. */
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  /** Positional arguments. */
  readonly positionals: readonly string[];
  /** With `passthrough`, every token not understood, in order (for docker). */
  readonly passthrough: readonly string[];
}

/**
 * Parse argv against `specs`. `--name=value`, `--name value`, `-x value`, `--no-name` for booleans,
 * and `--` ends options. Unknown options are a {@link UsageError} with a did-you-mean, unless
 * `passthrough` is set, in which case they are collected untouched.
 */
export function parseArgs(argv: readonly string[], specs: OptionSpecs, options: { readonly passthrough?: boolean } = {}): ParsedArgs {
  const values: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  const passthrough: string[] = [];
  const byShort = new Map(Object.entries(specs).filter(([, s]) => s.short).map(([name, s]) => [s.short!, name]));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      (options.passthrough ? passthrough : positionals).push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      (options.passthrough ? passthrough : positionals).push(token);
      continue;
    }
    const long = token.startsWith('--');
    const [rawName, inline] = long ? splitOnce(token.slice(2)) : [token.slice(1, 2), token.length > 2 ? token.slice(2) : undefined];
    let name = long ? rawName : byShort.get(rawName);
    let negated = false;
    if (long && name && !specs[name] && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = name ? specs[name] : undefined;
    if (!spec || !name) {
      if (options.passthrough) {
        passthrough.push(token);
        continue;
      }
      throw new UsageError(`unknown option ${token}${suggest(rawName, Object.keys(specs))}`, { hint: 'see --help' });
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
      values[name] = !negated;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-') && value !== '-')) {
      throw new UsageError(`option --${name} needs a value${spec.value ? ` (${spec.value})` : ''}`);
    }
    if (spec.type === 'string') {
      values[name] = value;
    } else {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(value);
      // A list option also takes the following plain words: `--values-from-env A B C`.
      while (inline === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith('-') && !options.passthrough) list.push(argv[++i]!);
      values[name] = list;
    }
  }
  return { values, positionals, passthrough };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `; did you mean --x?` for a plausible typo of a known name (same rule as config keys), else empty. */
export function suggest(name: string, known: readonly string[]): string {
  const best = closestMatch(name, known);
  return best === undefined ? '' : `; did you mean --${best}?`;
}
