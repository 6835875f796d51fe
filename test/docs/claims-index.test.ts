import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The claims index: docs/security.md and docs/audit.md link each claim to the test that proves
// it (convention at the top of docs/security.md). This test fails when a linked test file or a
// quoted test name no longer exists, so a renamed or deleted test cannot leave a claim unproven.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = ['docs/security.md', 'docs/audit.md'];

/** One proof link: the linked test file and the test names quoted right after it. */
export interface ProofLink {
  readonly doc: string;
  readonly line: number;
  /** Repository-relative path of the linked test file. */
  readonly file: string;
  /** Quoted test names: `("name")` or `("a", "b")` directly after the link. */
  readonly names: readonly string[];
}

// [`path`](../path.test.ts) optionally followed by ("name", "name"); the link text is free.
const LINK = /\]\(((?:\.\.\/|\.\/)[^)\s#]+\.test\.(?:ts|mts|js))\)(\s*\(((?:"[^"]+"(?:,\s*)?)+)\))?/g;
const NAME = /"([^"]+)"/g;

/** Every proof link of a Markdown document. */
export function proofLinks(doc: string, text: string): ProofLink[] {
  const links: ProofLink[] = [];
  // Double-backtick code spans show the syntax (as in the convention itself): they are not links.
  // Lines are looked at with the next one, so a link and its quoted names may span a line break.
  const lines = text.split('\n').map((l) => l.replace(/``.*?``/g, ''));
  lines.forEach((_, index) => {
    const window = `${lines[index]}\n${lines[index + 1] ?? ''}`;
    for (const m of lines[index]!.matchAll(LINK)) {
      const after = window.slice(m.index! + m[0].length - (m[2]?.length ?? 0));
      const quoted = m[3] ?? /^\s*\(((?:"[^"]+"(?:,\s*)?)+)\)/.exec(after)?.[1];
      const names = quoted ? [...quoted.matchAll(NAME)].map((n) => n[1]!) : [];
      links.push({ doc, line: index + 1, file: relative(ROOT, resolve(dirname(join(ROOT, doc)), m[1]!)), names });
    }
  });
  return links;
}

/** Rows of the `| Claim | Proof |` tables, with their line numbers. */
function claimRows(text: string): { line: number; row: string }[] {
  const rows: { line: number; row: string }[] = [];
  let inTable = false;
  text.split('\n').forEach((row, i) => {
    if (/^\|\s*Claim\s*\|\s*Proof\s*\|/i.test(row)) inTable = true;
    else if (!row.startsWith('|')) inTable = false;
    else if (inTable && !/^\|\s*-/.test(row)) rows.push({ line: i + 1, row });
  });
  return rows;
}

describe('the claims index (docs link each secrecy claim to the test that proves it)', () => {
  for (const doc of DOCS) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const links = proofLinks(doc, text);

    it(`${doc}: links at least one test`, () => {
      expect(links.length).toBeGreaterThan(0);
    });

    it(`${doc}: every linked test file exists`, () => {
      const missing = links.filter((l) => !existsSync(join(ROOT, l.file))).map((l) => `${doc}:${l.line} → ${l.file}`);
      expect(missing).toEqual([]);
    });

    it(`${doc}: every quoted test name exists, verbatim, in the linked file`, () => {
      const missing = links.flatMap((l) => {
        const path = join(ROOT, l.file);
        if (!existsSync(path)) return [];
        const source = readFileSync(path, 'utf8');
        return l.names.filter((n) => !source.includes(n)).map((n) => `${doc}:${l.line} → ${l.file} has no test "${n}"`);
      });
      expect(missing).toEqual([]);
    });

    it(`${doc}: every row of a Claim | Proof table links a test`, () => {
      const unproven = claimRows(text).filter(({ row }) => !/\]\([^)]+\.test\.(?:ts|mts|js)\)/.test(row) && !/test\/setup\/canary\.ts/.test(row)).map(({ line }) => `${doc}:${line}`);
      expect(unproven).toEqual([]);
    });
  }

  it('the parser reads the convention: a link, then quoted names (also across a soft line break)', () => {
    const links = proofLinks('docs/security.md', [
      'Proof: [`a`](../test/e2e/audit.test.ts) ("first name", "second name"), and',
      '[`b`](../test/e2e/build.test.ts)',
      '("wrapped name").',
      'plain [`c`](../packages/core/src/x.test.ts).',
    ].join('\n'));
    expect(links.map((l) => [l.file, l.names])).toEqual([
      ['test/e2e/audit.test.ts', ['first name', 'second name']],
      ['test/e2e/build.test.ts', ['wrapped name']],
      ['packages/core/src/x.test.ts', []],
    ]);
  });
});
