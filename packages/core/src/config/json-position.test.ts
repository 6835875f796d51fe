import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { parseConfig } from './parse-config.js';

function messageFor(text: string): string {
  try {
    parseConfig(text, { env: {}, file: '/tmp/buildsecrets.json' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues[0]!.message;
  }
  throw new Error('expected a syntax error');
}

describe('JSON config syntax errors', () => {
  it('give the line and column of a trailing comma', () => {
    expect(messageFor('{\n  "version": 1,\n  "providers": { "l": { "use": "env" }, }\n}\n')).toBe('JSON syntax error at line 3, column 41: the file is not valid JSON');
  });

  it('give a line and column for a bare word, never quoting it', () => {
    const message = messageFor('{\n  "version": 1,\n  "providers": canary-word-7f3a\n}\n');
    expect(message).toMatch(/^JSON syntax error at line 3, column \d+: the file is not valid JSON$/);
    expect(message).not.toContain('canary-word');
  });

  it('say where a cut-short file ends', () => {
    expect(messageFor('{\n  "version": 1,\n')).toMatch(/^JSON syntax error at line 3, column 1\b/);
  });
});
