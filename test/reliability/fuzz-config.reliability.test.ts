import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '@buildsecrets/core';
import { runCliCaptured } from '../../packages/cli/src/test-support/run-cli-captured.js';
import { CANARIES, expectNoCanaryIn } from '../setup/canary-values.js';
import { applyEdits, textEdit } from './support/mutate-text.js';

// Generated and mutated configs through parseConfig, loadConfig and the CLI: the only outcomes
// allowed are a valid config / plan or a ConfigError (exit 2). The interpolated variable holds a
// canary that no message, issue, output or error may ever show.
const ENV = { BS_FUZZ: CANARIES.env, HOME: '/nonexistent' };

const YAML_BASES = [
  `version: 1
providers:
  local:
    use: env
  vault:
    use: vault
    options:
      address: http://127.0.0.1:8200
      auth: { method: token, token: "\${BS_FUZZ}" }
secrets:
  npm_token:
    from: local
    ref: NPM_TOKEN
  deploy:
    from: vault
    ref: secret/ci/deploy
    key: private_key
    inject: ssh-agent
  proxy: { from: local, ref: CORP_PROXY, inject: build-arg, buildArg: HTTP_PROXY, allowInsecure: true }
  cert: { from: local, ref: CERT, inject: served-file, maxReads: 2 }
build:
  audit: true
resolve: { concurrency: 4, timeoutMs: 1000, retries: 1 }
`,
  `# minimal
version: 1
providers: { local: { use: env } }
secrets:
  a: { from: local, ref: "\${BS_FUZZ}" }
`,
  `version: 1
providers:
  files:
    use: keywhiz
    options: { mode: directory, root: ./secrets }
secrets:
  key: { from: files, ref: deploy, inject: secret-mount, source: env, env: KEY }
  other: &anchor { from: files, ref: other }
  copy: *anchor
`,
];

const JSON_BASE = JSON.stringify({
  version: 1,
  providers: { local: { use: 'env' }, vault: { use: 'vault', options: { address: 'http://127.0.0.1:8200', auth: { method: 'token', token: '${BS_FUZZ}' } } } },
  secrets: { npm_token: { from: 'local', ref: 'NPM_TOKEN' }, deploy: { from: 'vault', ref: 'secret/ci/deploy', key: 'k', inject: 'ssh-agent' } },
}, null, 2);

/** Parse and classify: 'ok', 'config-error', or throw the unexpected error (failing the property). */
function outcomeOf(input: string | object, file?: string): 'ok' | 'config-error' {
  try {
    // The parsed config holds interpolated values by design; only what gets printed is checked.
    parseConfig(input, { env: ENV, ...(file ? { file } : {}), baseDir: '/tmp' });
    return 'ok';
  } catch (error) {
    if (!(error instanceof ConfigError)) throw new Error(`not a ConfigError: ${inspect(error).slice(0, 2000)}`);
    expectNoCanaryIn(`${error.message}\n${error.stack ?? ''}\n${inspect(error, { depth: 6 })}\n${JSON.stringify(error)}`, 'a ConfigError');
    return 'config-error';
  }
}

describe('fuzzed configs never escape as anything but a ConfigError, and never show the interpolated canary', () => {
  const seen = { ok: 0, 'config-error': 0 };

  it('the unmutated bases are valid (so mutations start from real configs)', () => {
    for (const base of YAML_BASES) expect(outcomeOf(base)).toBe('ok');
    expect(outcomeOf(JSON_BASE, '/tmp/buildsecrets.json')).toBe('ok');
  });

  it('1,200 character-level mutations of YAML configs', () => {
    // The property throws on anything but a config or a ConfigError free of the canary.
    expect(() =>
      fc.assert(
        fc.property(fc.constantFrom(...YAML_BASES), fc.array(textEdit, { minLength: 1, maxLength: 6 }), (base, edits) => {
          seen[outcomeOf(applyEdits(base, edits))]++;
        }),
        { numRuns: 1200 },
      ),
    ).not.toThrow();
  });

  it('400 character-level mutations of a JSON config', () => {
    expect(() =>
      fc.assert(
        fc.property(fc.array(textEdit, { minLength: 1, maxLength: 6 }), (edits) => {
          seen[outcomeOf(applyEdits(JSON_BASE, edits), '/tmp/buildsecrets.json')]++;
        }),
        { numRuns: 400 },
      ),
    ).not.toThrow();
  });

  it('400 structural mutations: values of the wrong type, unknown keys, odd interpolation', () => {
    const base = JSON.parse(JSON_BASE) as Record<string, unknown>;
    const paths = [['version'], ['providers'], ['providers', 'local'], ['providers', 'local', 'use'], ['providers', 'vault', 'options'], ['providers', 'vault', 'options', 'auth', 'token'], ['secrets'], ['secrets', 'npm_token'], ['secrets', 'npm_token', 'ref'], ['secrets', 'deploy', 'inject'], ['build'], ['resolve']];
    const value = fc.oneof(fc.anything({ maxDepth: 3 }), fc.constantFrom('${BS_FUZZ}', '${', '${BS_FUZZ', '$${BS_FUZZ}', '${NOPE}', 'x${BS_FUZZ}y'));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), value, fc.boolean()), { minLength: 1, maxLength: 4 }), (ops) => {
        const tree = structuredClone(base);
        for (const [path, v, unknownKey] of ops) {
          let node: Record<string, unknown> = tree;
          for (const key of path.slice(0, -1)) {
            const next = node[key];
            if (typeof next !== 'object' || next === null) break;
            node = next as Record<string, unknown>;
          }
          node[unknownKey ? `${path.at(-1)}_extra` : path.at(-1)!] = v;
        }
        seen[outcomeOf(tree)]++;
      }),
      { numRuns: 400 },
    );
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen['config-error']).toBeGreaterThan(0);
  });
});

describe('fuzzed config files through loadConfig and the CLI (`runCli` in-process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bs-fuzz-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('100 mutated files: loadConfig gives a config or a ConfigError; `plan` exits 0 or 2 and prints no canary', async () => {
    const samples = fc.sample(fc.tuple(fc.constantFrom(...YAML_BASES), fc.array(textEdit, { minLength: 0, maxLength: 4 }), fc.boolean()), { numRuns: 100, seed: 20_261_126 });
    const codes = new Map<number, number>();
    for (const [i, [base, edits, json]] of samples.entries()) {
      const file = join(dir, `case-${i}.yaml`);
      await writeFile(file, applyEdits(base, edits));
      const loaded = await loadConfig({ configPath: file, env: ENV }).then(() => 'ok', (e: unknown) => e);
      if (loaded !== 'ok') {
        expect(loaded, inspect(loaded).slice(0, 1000)).toBeInstanceOf(ConfigError);
        expectNoCanaryIn(inspect(loaded, { depth: 6 }), 'a ConfigError from loadConfig');
      }
      const run = await runCliCaptured(['plan', '--config', file, ...(json ? ['--json'] : [])], { env: ENV, cwd: dir });
      expectNoCanaryIn(run.stdout + run.stderr, `the CLI output for case ${i}`);
      expect([0, 2], `case ${i}: exit ${run.code}\n${run.stderr}`).toContain(run.code);
      expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // never a stack trace without --verbose
      codes.set(run.code, (codes.get(run.code) ?? 0) + 1);
    }
    expect(codes.get(0) ?? 0).toBeGreaterThan(0);
    expect(codes.get(2) ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
