import { describe, expect, it } from 'vitest';
import { UsageError } from '@buildsecrets/core';
import { parseArgs, suggest } from './args.js';

const specs = {
  file: { type: 'string', short: 'f', description: 'x' },
  verbose: { type: 'boolean', description: 'x' },
  audit: { type: 'boolean', description: 'x' },
  'values-from-env': { type: 'list', description: 'x' },
} as const;

describe('parseArgs', () => {
  it('reads --name=value, --name value, -x value and positionals', () => {
    const a = parseArgs(['--file=a', 'ctx'], specs);
    const b = parseArgs(['-f', 'b', '--verbose'], specs);
    expect(a.values['file']).toBe('a');
    expect(a.positionals).toEqual(['ctx']);
    expect(b.values).toMatchObject({ file: 'b', verbose: true });
  });

  it('negates booleans with --no-', () => {
    expect(parseArgs(['--no-audit'], specs).values['audit']).toBe(false);
  });

  it('collects several words after a list option', () => {
    expect(parseArgs(['--values-from-env', 'A', 'B', '--verbose'], specs).values['values-from-env']).toEqual(['A', 'B']);
  });

  it('refuses unknown options with a did-you-mean', () => {
    expect(() => parseArgs(['--verbsoe'], specs)).toThrow(UsageError);
    expect(() => parseArgs(['--verbsoe'], specs)).toThrow(/did you mean --verbose/);
  });

  it('refuses a string option without a value', () => {
    expect(() => parseArgs(['--file'], specs)).toThrow(/needs a value/);
    expect(() => parseArgs(['--file', '--verbose'], specs)).toThrow(/needs a value/);
  });

  it('passes unknown options and words through untouched, in order, when asked', () => {
    const parsed = parseArgs(['-t', 'app', '--verbose', '--build-arg', 'X=1', '--no-cache', '.'], specs, { passthrough: true });
    expect(parsed.passthrough).toEqual(['-t', 'app', '--build-arg', 'X=1', '--no-cache', '.']);
    expect(parsed.values['verbose']).toBe(true);
  });

  it('treats everything after -- as positional', () => {
    expect(parseArgs(['--', '--verbose'], specs).positionals).toEqual(['--verbose']);
  });
});

describe('suggest', () => {
  it('names the closest option within two edits, and nothing otherwise', () => {
    expect(suggest('confg', ['config', 'json'])).toContain('--config');
    expect(suggest('zzzzzz', ['config', 'json'])).toBe('');
  });
});
