import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../packages/cli/src/test-support/run-cli-captured.js';
import { CANARIES, findCanaries } from '../setup/canary-values.js';
import { dockerfile } from './support/dockerfile-fragments.js';
import { applyEdits, textEdit } from './support/mutate-text.js';

// Generated and mutated Dockerfiles through `buildsecrets plan -f`, in process and through the
// real bundled binary: the only outcomes allowed are exit 0 (a plan) or 2 (a typed error), with
// no stack trace and no value. Every config value that could be secret is a canary from the
// environment. Each case is bounded in time: a hang fails the case, it is never waited out.
const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const ENV = { BS_FUZZ_TOKEN: CANARIES.env, BS_FUZZ_REF: CANARIES.config, HOME: '/nonexistent', NO_COLOR: '1', PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
const CONFIG = `version: 1
providers:
  local: { use: env }
  vault:
    use: vault
    options: { address: http://127.0.0.1:1, auth: { method: token, token: "\${BS_FUZZ_TOKEN}" } }
secrets:
  npm_token: { from: local, ref: "\${BS_FUZZ_REF}" }
  deploy: { from: vault, ref: secret/ci/deploy, key: k, inject: ssh-agent, sshId: github }
  proxy: { from: local, ref: PROXY, inject: build-arg, buildArg: HTTP_PROXY, allowInsecure: true }
  cert: { from: local, ref: CERT, inject: served-file }
`;
/** Per case: a spawned CLI that has not exited by then is a hang, and fails the case. */
const CASE_LIMIT_MS = 15_000;
/** The whole property: past this fast-check stops generating (and the run count below says how many ran). */
const PROPERTY_LIMIT_MS = 120_000;
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
const SEED = Number(process.env['BS_FUZZ_SEED'] ?? Date.now() % 2_147_483_647);

let dir = '';
let configFile = '';
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bs-fuzz-df-cli-'));
  configFile = join(dir, 'buildsecrets.yaml');
  await writeFile(configFile, CONFIG);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The rules every outcome must follow; the message names the case without repeating a value. */
function expectCleanOutcome(code: number | null, stdout: string, stderr: string, what: string): void {
  const output = `${stdout}\n${stderr}`;
  expect(findCanaries(output), `${what}: a config value in the output`).toEqual([]);
  expect(STACK_FRAME.test(output), `${what}: a stack trace in the output:\n${stderr.slice(0, 1500)}`).toBe(false);
  expect([0, 2], `${what}: exit ${code}\n${stderr.slice(0, 1500)}`).toContain(code);
}

async function writeCase(text: string): Promise<string> {
  const file = join(dir, `Dockerfile.${counter++}`);
  await writeFile(file, text);
  return file;
}

/** Run the bundled binary; kill it and fail if it outlives CASE_LIMIT_MS. */
function runBinary(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`buildsecrets ${args.join(' ')} hung: no exit within ${CASE_LIMIT_MS} ms`));
    }, CASE_LIMIT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const mutated = fc.tuple(dockerfile, fc.array(textEdit, { maxLength: 6 }), fc.boolean()).map(([text, edits, json]) => ({ text: applyEdits(text, edits), json }));

describe('fuzzed Dockerfiles through `buildsecrets plan -f`', () => {
  it('200 generated and mutated Dockerfiles, in process: exit 0 or 2, no stack trace, no value', async () => {
    const runs = { count: 0 };
    await fc.assert(
      fc.asyncProperty(mutated, async ({ text, json }) => {
        runs.count++;
        const file = await writeCase(text);
        const args = ['plan', '--config', configFile, '-f', file, ...(json ? ['--json'] : [])];
        const run = await runCliCaptured(args, { env: ENV, cwd: dir });
        expectCleanOutcome(run.code, run.stdout, run.stderr, `plan -f ${file}`);
      }),
      { numRuns: 200, seed: SEED, timeout: CASE_LIMIT_MS, interruptAfterTimeLimit: PROPERTY_LIMIT_MS, markInterruptAsFailure: true },
    );
    expect(runs.count).toBeGreaterThanOrEqual(200);
  }, PROPERTY_LIMIT_MS + 30_000);

  it('8 of them through the real bundled binary (a crash, an unhandled rejection or a hang would show here)', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npx tsc -b && node packages/cli/scripts/bundle.mjs\``).toBe(true);
    await fc.assert(
      fc.asyncProperty(mutated, async ({ text, json }) => {
        const file = await writeCase(text);
        const run = await runBinary(['plan', '--config', configFile, '-f', file, ...(json ? ['--json'] : [])]);
        expectCleanOutcome(run.code, run.stdout, run.stderr, `plan -f ${file}`);
      }),
      { numRuns: 8, seed: SEED, endOnFailure: true, timeout: CASE_LIMIT_MS + 1_000, interruptAfterTimeLimit: PROPERTY_LIMIT_MS, markInterruptAsFailure: true },
    );
  }, PROPERTY_LIMIT_MS + 30_000);

  it('the inputs reach the checks: some cases print a plan, some a typed Dockerfile/config error', async () => {
    const samples = fc.sample(mutated, { numRuns: 40, seed: 7 });
    const codes = new Set<number>();
    for (const { text } of samples) codes.add((await runCliCaptured(['plan', '--config', configFile, '-f', await writeCase(text)], { env: ENV, cwd: dir })).code);
    expect([...codes].sort()).toEqual([0, 2]);
  });
});

// The seed is printed so a CI failure reproduces: BS_FUZZ_SEED=<seed> npx vitest run <this file>.
process.stderr.write(`[fuzz-dockerfile-cli] fast-check seed ${SEED}\n`);
