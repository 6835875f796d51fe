import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// "Every test that resolves a value uses the log canary", checked statically: a test file that
// calls a resolution API must reach the canary module (test/setup/canary-values.ts) — itself or
// through the fixtures it imports — or be listed below with the reason it cannot. It is a
// heuristic: it proves the canary is at hand, not that every single value in the file is one.

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Calls that hand a test a secret value (or run code that does). */
const RESOLVES = /\bSecretValue\.from\(|\.resolve\(\s*\[|\bresolveAll\(|\bresolveSecrets\(|\.revealString\(|\.reveal\(\)|\brunBuild\(|\brunEngine\(|\bcreateBuildSecrets\(|\bserveSecretFiles?\(|\binterpolate\w*\(/;
/** What counts as using the canary. */
const USES_CANARY = /\bmakeCanary\b|\bCANARIES\b|canary-values/;

/** Test files that resolve values without the canary, and why that is right. */
const EXEMPT: Readonly<Record<string, string>> = {
  'packages/providers/aws/src/live.test.ts': 'live: the value is whatever the real secret holds (gated on real credentials)',
  'packages/providers/gcp/src/live.test.ts': 'live: the value is whatever the real secret holds (gated on real credentials)',
  'packages/providers/vault/src/live.test.ts': 'live: the value is whatever the real secret holds (gated on real credentials)',
  'packages/providers/ssm/src/live.test.ts': 'live: the value is whatever the real secret holds (gated on real credentials)',
  'packages/providers/sneaker/src/live.test.ts': 'live: the value is whatever the real secret holds (gated on real credentials)',
  'packages/core/src/templates/render-template.property.test.ts': 'property test: values are arbitrary strings from fast-check, never written out',
  'packages/core/src/plugins/assert-provider-definition.test.ts': 'checks provider definitions; resolve() is never called for a value',
  // The audit plants values in image layers on purpose and asserts it finds them (the property
  // tests plant fast-check values; converting them to canaries is still to do).
  'packages/audit/src/audit-encodings.property.test.ts': 'audit: fast-check values planted in layers to be found',
  'packages/audit/src/audit-image.property.test.ts': 'audit: fast-check values planted in layers to be found',
  'packages/audit/src/audit-no-false-alarms.property.test.ts': 'audit: random values that must NOT be found',
  'packages/audit/src/scanner/patterns.test.ts': 'patterns of short values (7 and 8 bytes, below a canary\'s length): the length policy is what is tested',
  'packages/core/src/redaction/redactor.test.ts': 'redactor: its input is the value on purpose, its output is asserted masked',
  'packages/core/src/strategies/ssh-agent/ssh-agent-strategy.test.ts': 'the values are freshly generated private keys (random bodies), checked by the agent, not strings to plant',
  'test/e2e/ssh-agent.test.ts': 'the value is a freshly generated private key (random body), checked by the agent and the image scan',
};

function testFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'fixtures' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) testFiles(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** Does `file`, or a relative module it imports (3 levels deep), name the canary? */
function reachesCanary(file: string, depth = 0, seen = new Set<string>()): boolean {
  if (seen.has(file) || !existsSync(file)) return false;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  if (USES_CANARY.test(text)) return true;
  if (depth >= 3) return false;
  for (const [, spec] of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), spec!.replace(/\.js$/, '.ts'));
    if (reachesCanary(target, depth + 1, seen) || reachesCanary(`${target}/index.ts`, depth + 1, seen)) return true;
  }
  return false;
}

const SELF = 'test/support/canary-coverage.test.ts';
const files = ['packages', 'examples', 'test'].flatMap((d) => testFiles(join(root, d))).map((f) => relative(root, f)).filter((f) => f !== SELF).sort();

describe('log canary coverage', () => {
  it('finds the test files that resolve values (the check is not vacuous)', () => {
    expect(files.filter((f) => RESOLVES.test(readFileSync(join(root, f), 'utf8'))).length).toBeGreaterThan(40);
  });

  it('every test file that resolves a value reaches the canary, or says why not', () => {
    const missing = files.filter((f) => !(f in EXEMPT) && RESOLVES.test(readFileSync(join(root, f), 'utf8')) && !reachesCanary(join(root, f)));
    expect(missing, 'test files resolving values without the log canary').toEqual([]);
  });

  it('every exemption names an existing file that still resolves values', () => {
    const stale = Object.keys(EXEMPT).filter((f) => !existsSync(join(root, f)) || !RESOLVES.test(readFileSync(join(root, f), 'utf8')));
    expect(stale).toEqual([]);
  });
});
