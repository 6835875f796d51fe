// The YAML fast path never disagrees with the `yaml` package: whatever it accepts, `yaml` reads
// to the same tree without errors; everything else falls through to `yaml` (and its errors).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BAD_CONFIGS } from './__fixtures__/bad-configs.js';
import { parseSimpleYaml } from './simple-yaml.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** What the config loader gets from the full parser, or `errors` when it reports any. */
function fullParse(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, merge: true, prettyErrors: true, logLevel: 'error' });
  return doc.errors.length > 0 ? 'errors' : doc.toJS({ maxAliasCount: 100 });
}

function expectAgreement(text: string): boolean {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return false;
  expect(fullParse(text), JSON.stringify(text)).toEqual(fast);
  return true;
}

/** A small deterministic PRNG, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const KEYS = ['a', 'version', 'providers', 'use', 'x-y', 'a.b', '$schema', 'null', 'true', 'True', 'k_1', '__proto__', 'a b', '"q"', '<<', 'yes', 'on', 'x'.repeat(130)];
const VALUES = [
  '1', '0', '007', '-1', '+1', '1.5', '1e3', '0x1F', '0o17', '.inf', '.nan', '2024-01-01', '1.2.3', 'true', 'False', 'TRUE', 'null', '~', 'Null', 'yes', 'no', 'on', 'off', 'y',
  'env', './secrets', '../x', '.', '..', '/abs/path', 'a:b', 'https://x.example/y', 'arn:aws:ssm:eu-west-1:1:parameter/x', '${VAR}', '${A}${B}', 'a{b}', 'x:', 'a=b', 'a@b', 'a~b', 'a+b',
  '"quoted"', "'single'", '"with # hash"', '"a\\"b"', "'it''s'", '""', "''", '"a,b"', "'a: b'", 'a b', '-x', '- x', '?x', ':x', '@x', '`x`', '%x', '!x', '&a x', '*a', '|', '>',
  '{}', '{ }', '{ a: 1 }', '{a: 1}', '{ a: 1, }', '{ a: 1, b: { c: env } }', '{ a: b c }', '{ a:b }', '{ a: "x,y" }', "{ a: 'x' }", '{ a: 1 } trailing', '{ a: [1] }', '{ a: ${X} }', '{ url: https://x }',
  'a # comment', 'a#b', '"a" # c', '[1, 2]', '',
];
const INDENTS = ['', ' ', '  ', '    ', '   '];

function randomDocument(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const lines: string[] = [];
  const count = 1 + Math.floor(next() * 7);
  let indent = '';
  for (let i = 0; i < count; i++) {
    const r = next();
    if (r < 0.08) lines.push(`${pick(INDENTS)}# a comment`);
    else if (r < 0.12) lines.push('');
    else if (r < 0.14) lines.push(pick(['---', '- item', '  - item', '\tkey: 1', 'key:value', 'a: b: c', 'key :1']));
    else {
      const value = pick(VALUES);
      lines.push(`${indent}${pick(KEYS)}:${value === '' ? '' : ` ${value}`}`);
      if (value === '' && next() < 0.7) indent = `${indent}  `;
      else if (next() < 0.3) indent = next() < 0.5 ? '' : pick(INDENTS);
    }
  }
  return lines.join('\n') + (next() < 0.5 ? '\n' : '');
}

describe('parseSimpleYaml', () => {
  it('reads the usual config shapes (so start-up takes the fast path) exactly as `yaml` does', () => {
    const usual = [
      'version: 1\nproviders:\n  local: { use: env }\n  files: { use: keywhiz, options: { mode: directory, root: ./secrets } }\nsecrets:\n  npm_token: { from: local, ref: NPM_TOKEN }\n  deploy_key: { from: files, ref: deploy, inject: ssh-agent }\n',
      '# buildsecrets config\nversion: 1  # the format\n\nproviders:\n  ci:\n    use: vault\n    options:\n      address: "https://vault.example:8200"\n      port: ${PORT}\nsecrets:\n  token:\n    from: ci\n    ref: secret/data/app\n    key: token\n    allowEmpty: false\n  other:\nbuild:\n  audit: warn\n',
    ];
    for (const text of usual) expect(expectAgreement(text), text).toBe(true);
  });

  it('agrees with `yaml` on every YAML file in the repository and every bad-config fixture', () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    let fast = 0;
    for (const file of files) if (expectAgreement(readFileSync(join(ROOT, file), 'utf8'))) fast++;
    for (const fixture of BAD_CONFIGS) if (typeof fixture.text === 'string') expectAgreement(fixture.text);
    // Most shipped examples are in the subset: the fast path is really taken.
    expect(fast).toBeGreaterThan(files.length / 2);
  });

  it('agrees with `yaml` on 20 000 generated documents, and leaves every document with a syntax error to it', () => {
    const next = random(11);
    let fast = 0;
    for (let i = 0; i < 20_000; i++) if (expectAgreement(randomDocument(next))) fast++;
    expect(fast).toBeGreaterThan(1000);
  });

  it('leaves anything outside the subset to the full parser', () => {
    for (const text of ['', '# only a comment\n', 'a: 1\na: 2\n', 'a: &x 1\nb: *x\n', 'a:\n  - 1\n', 'a: |\n  text\n', 'a: 1.5\n', 'a: "x\\ty"\n', '  a: 1\n', 'a: { b: 1,\n  c: 2 }\n', 'a:\tb\n', 'a: 1\r\n']) {
      expect(parseSimpleYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});
