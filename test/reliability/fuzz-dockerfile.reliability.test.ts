import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile, checkDockerfileAgainstConfig, parseConfig } from '@buildsecrets/core';
import { applyEdits, textEdit } from './support/mutate-text.js';
import { dockerfile } from './support/dockerfile-fragments.js';

// Dockerfiles generated from instruction fragments, then mutated: the analyser and the plan checks
// must return (with diagnostics or findings) for every input, never throw.
const CONFIG = parseConfig(
  `version: 1
providers: { local: { use: env } }
secrets:
  npm_token: { from: local, ref: NPM_TOKEN }
  deploy: { from: local, ref: DEPLOY, inject: ssh-agent, sshId: github }
  proxy: { from: local, ref: PROXY, inject: build-arg, buildArg: HTTP_PROXY, allowInsecure: true }
  cert: { from: local, ref: CERT, inject: served-file }
`,
  { env: {} },
).config;

function neverThrows(text: string): void {
  let analysis;
  try {
    analysis = analyzeDockerfile(text);
  } catch (error) {
    throw new Error(`analyzeDockerfile threw: ${inspect(error).slice(0, 1500)}`);
  }
  try {
    const findings = checkDockerfileAgainstConfig(analysis, CONFIG);
    expect(Array.isArray(findings)).toBe(true);
  } catch (error) {
    throw new Error(`checkDockerfileAgainstConfig threw: ${inspect(error).slice(0, 1500)}`);
  }
}

describe('fuzzed Dockerfiles never make the analyser or the plan checks throw', () => {
  it('1,000 Dockerfiles generated from instruction fragments', () => {
    fc.assert(fc.property(dockerfile, neverThrows), { numRuns: 1000 });
  });

  it('1,000 generated Dockerfiles with random character-level mutations', () => {
    fc.assert(fc.property(dockerfile, fc.array(textEdit, { minLength: 1, maxLength: 8 }), (text, edits) => neverThrows(applyEdits(text, edits))), { numRuns: 1000 });
  });

  it('300 arbitrary strings, including binary and huge line continuations', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ maxLength: 40 }).map((s) => `RUN ${`${s} \\\n`.repeat(200)}`)), neverThrows), { numRuns: 300 });
  });

  it('the generated fragments do exercise the checks (some Dockerfiles produce findings)', () => {
    const samples = fc.sample(dockerfile, { numRuns: 200, seed: 42 });
    const withFindings = samples.filter((text) => checkDockerfileAgainstConfig(analyzeDockerfile(text), CONFIG).length > 0);
    expect(withFindings.length).toBeGreaterThan(0);
  });
});
