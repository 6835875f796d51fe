import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { decodeConfigText, MAX_CONFIG_BYTES } from './decode-config-text.js';
import { formatFromFile, parseConfigText } from './parse.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('parse');

function issuesOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.message).not.toContain(CANARY);
    return e;
  }
  throw new Error('expected a ConfigError');
}

describe('formatFromFile', () => {
  it('reads *.json as JSON and everything else as YAML', () => {
    expect(formatFromFile('/a/buildsecrets.JSON')).toBe('json');
    expect(formatFromFile('/a/buildsecrets.yml')).toBe('yaml');
    expect(formatFromFile(undefined)).toBe('yaml');
  });
});

describe('decodeConfigText', () => {
  it('accepts UTF-8 and drops a byte-order mark', () => {
    expect(decodeConfigText(Buffer.from('\ufeffversion: 1\n'), undefined)).toBe('version: 1\n');
    expect(decodeConfigText('\ufeffa: é', undefined)).toBe('a: é');
  });
  it('refuses input over 1 MiB, NUL bytes and invalid UTF-8 before parsing', () => {
    expect(issuesOf(() => decodeConfigText('a'.repeat(MAX_CONFIG_BYTES + 1), 'f.yaml')).issues[0]!.message).toContain('limit is 1048576 bytes');
    expect(issuesOf(() => decodeConfigText(`a: ${CANARY}\u0000`, undefined)).issues[0]!.message).toContain('NUL bytes');
    expect(issuesOf(() => decodeConfigText(Uint8Array.from([0x61, 0xff, 0xfe]), undefined)).issues[0]!.message).toContain('not valid UTF-8');
  });
});

describe('parseConfigText (YAML)', () => {
  it('parses YAML, including anchors and field-level merge overrides inside one entry', () => {
    const text = 'defaults: &d { from: local, inject: build-arg }\nsecrets:\n  a: { <<: *d, ref: A }\n  b:\n    <<: *d\n    ref: B\n    inject: secret-mount\n';
    expect(parseConfigText(text, { format: 'yaml' })).toEqual({
      defaults: { from: 'local', inject: 'build-arg' },
      secrets: { a: { from: 'local', inject: 'build-arg', ref: 'A' }, b: { from: 'local', inject: 'secret-mount', ref: 'B' } },
    });
  });

  it('reports syntax errors with line and column and without quoting the file', () => {
    const error = issuesOf(() => parseConfigText(`a: 1\nb: [${CANARY}\nc: 2\n`, { format: 'yaml', file: 'x.yaml' }));
    expect(error.issues[0]!.path).toBe('');
    expect(error.issues[0]!.message).toMatch(/^YAML syntax error at line \d+, column \d+: /);
    expect(error.file).toBe('x.yaml');
  });

  it('points an unclosed { at the line that opens it, not the line where the parser gave up', () => {
    const text = `version: 1\nproviders:\n  local: { use: env, options: { prefix: ${CANARY} }\nsecrets:\n  a: { from: local, ref: A }\n`;
    expect(issuesOf(() => parseConfigText(text, { format: 'yaml' })).issues).toEqual([
      { path: '', message: 'YAML syntax error at line 3, column 10: this { is never closed (a closing } is missing)' },
    ]);
  });

  it('points an unclosed [ or quote at the line that opens it', () => {
    expect(issuesOf(() => parseConfigText(`a: 1\nb: [x, ${CANARY}\nc: 2\n`, { format: 'yaml' })).issues).toEqual([
      { path: '', message: 'YAML syntax error at line 2, column 4: this [ is never closed (a closing ] is missing)' },
    ]);
    expect(issuesOf(() => parseConfigText(`a: 1\nb: "${CANARY}\nc: 2\n`, { format: 'yaml' })).issues).toEqual([
      { path: '', message: 'YAML syntax error at line 2, column 4: this " is never closed (a closing " is missing)' },
    ]);
  });

  it('reports tab indentation with its line', () => {
    const error = issuesOf(() => parseConfigText(`a:\n\tb: ${CANARY}\n`, { format: 'yaml' }));
    expect(error.issues).toEqual([{ path: '', message: 'YAML syntax error at line 2, column 1: tabs are not allowed as indentation; indent with spaces' }]);
  });

  it('names the path of a key defined twice, at any depth', () => {
    expect(issuesOf(() => parseConfigText(`build:\n  docker: a\n  docker: ${CANARY}\n`, { format: 'yaml' })).issues).toEqual([
      { path: 'build.docker', message: 'key "docker" is defined more than once; keep one definition' },
    ]);
  });

  it('names secret ids and provider names duplicated through merge keys', () => {
    const text = `providers:\n  <<: { p: { use: env } }\n  p: { use: vault }\nsecrets:\n  <<: [{ s: { ref: A } }, { s: { ref: "${CANARY}" } }]\n`;
    expect(issuesOf(() => parseConfigText(text, { format: 'yaml' })).issues.map((i) => i.path)).toEqual(['providers.p', 'secrets.s']);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    expect(issuesOf(() => parseConfigText(levels.join('\n'), { format: 'yaml' })).issues[0]!.message).toContain('expands too many aliases');
  });

  it('refuses absurd nesting without a stack trace', () => {
    // A few thousand nested `[` make the YAML lexer exhaust memory; the guard refuses them first.
    const error = issuesOf(() => parseConfigText(`${'['.repeat(200_000)}${']'.repeat(200_000)}`, { format: 'yaml' }));
    expect(error.issues).toEqual([{ path: '', message: 'the config nests [ ] / { } more than 64 levels deep' }]);
  });
});

describe('parseConfigText (JSON)', () => {
  it('parses JSON', () => {
    expect(parseConfigText('{"version": 1, "a": [true, null]}', { format: 'json' })).toEqual({ version: 1, a: [true, null] });
  });
  it('reports a syntax error with a position, never the JSON.parse message (which quotes input)', () => {
    const error = issuesOf(() => parseConfigText(`{\n  "a": ${CANARY}\n}`, { format: 'json' }));
    expect(error.issues[0]!.message).toMatch(/^JSON syntax error at line 2, column \d+: the file is not valid JSON$/);
  });
  it('reports duplicate keys, which JSON.parse would silently collapse', () => {
    expect(issuesOf(() => parseConfigText(`{"secrets": {"x": {"ref": "a"}, "x": {"ref": "${CANARY}"}}}`, { format: 'json' })).issues).toEqual([
      { path: 'secrets.x', message: 'secret id "x" is defined more than once; keep one definition' },
    ]);
  });
});

describe('assertFlowDepth (through parseConfigText)', () => {
  it('accepts brackets inside quotes and comments however many there are', () => {
    const text = `a: "${'['.repeat(500)}"\nb: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`;
    expect(parseConfigText(text, { format: 'yaml' })).toEqual({ a: '['.repeat(500), b: '{'.repeat(500) });
  });
  it('refuses JSON nested beyond the limit before any parser runs', () => {
    const error = issuesOf(() => parseConfigText(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`, { format: 'json' }));
    expect(error.issues[0]!.message).toContain('more than 64 levels deep');
  });
});

describe('parseConfigText output hygiene', () => {
  it('prints no library warning to the user (a collection used as a key becomes an unknown-key issue instead)', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    try {
      const tree = parseConfigText('version: 1\n? [a, b]\n: c\n', { format: 'yaml' });
      expect(Object.keys(tree as object)).toContain('[ a, b ]');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
