import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildPatterns } from '@buildsecrets/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sarifValidator } from '../sarif/__fixtures__/sarif-schema.js';
import { writeDockerArchive } from '../test-support/docker-archive.js';

// The action as a runner runs it: the COMMITTED bundle, `node action/index.mjs`, with the INPUT_*
// variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, RUNNER_TEMP and GITHUB_WORKSPACE a runner
// provides; a scripted docker stands in for the engine (the real engines are proven in test/e2e).
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ENTRY = join(ROOT, 'action/index.mjs');
// Lines, a `%0A` that must not turn into a line break, a `%`, and CRLF.
const VALUE = 'first-line-Q7v%0Anot-a-break-2Kd\nsecond-line-Zx81-mH3p\r\n   third-line-Lw5r-Tt90';
const VALUE_LINES = VALUE.split(/[\r\n]+/).map((l) => l.trim());
const root = mkdtempSync(join(tmpdir(), 'bs-action-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let validate: (log: unknown) => string[];
beforeAll(async () => {
  validate = await sarifValidator();
}, 180_000);

const FAKE_DOCKER = `#!/bin/sh
case "$1" in
  version) echo "20.10.24|20.10.24|linux"; exit 0 ;;
  buildx|info|image) exit 1 ;;
  save) cat "$FAKE_ARCHIVE"; exit 0 ;;
  push) echo "1: digest: sha256:$(printf '%064d' 9) size: 528"; exit 0 ;;
esac
iid=""; prev=""
for a in "$@"; do [ "$prev" = "--iidfile" ] && iid="$a"; prev="$a"; done
echo "step 1/2: building"
echo "::add-mask::printed-by-a-build-step"
echo "::error::forged by a RUN step"
[ -n "$iid" ] && printf 'sha256:%064d' 5 > "$iid"
exit 0
`;

/** A docker-archive with one layer holding `files`, built by a RUN step. */
const archive = (name: string, files: Record<string, string>): string => writeDockerArchive(join(root, name), files, { config: {}, createdBy: 'RUN true' });

interface ActionRun { code: number | null; stdout: string; stderr: string; outputs: Record<string, string>; summary: string; sarif: string | undefined }

/** Parse GITHUB_OUTPUT's `name<<DELIM` … `DELIM` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(ghadelimiter_[0-9a-f-]{36})$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    out[m[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return out;
}

async function runAction(name: string, inputs: Record<string, string>, fakeArchive: string): Promise<ActionRun> {
  const workspace = join(root, name, 'ws');
  const runnerTemp = join(root, name, 'runner-temp');
  mkdirSync(join(workspace, 'ctx'), { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  writeFileSync(join(workspace, 'buildsecrets.yaml'), 'version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  deploy_key: { from: local, ref: BS_ACTION_KEY }\n');
  writeFileSync(join(workspace, 'ctx', 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=deploy_key,required=true true\n');
  const bin = join(root, name, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'docker'), FAKE_DOCKER);
  chmodSync(join(bin, 'docker'), 0o755);
  const outputFile = join(runnerTemp, 'output');
  const summaryFile = join(runnerTemp, 'summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env = {
    PATH: process.env['PATH'], HOME: join(root, name), GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, BUILDSECRETS_DOCKER: join(bin, 'docker'), BUILDSECRETS_TMPDIR: runnerTemp,
    FAKE_ARCHIVE: fakeArchive, BS_ACTION_KEY: VALUE, 'INPUT_CONTEXT': 'ctx', 'INPUT_ENGINE': 'docker-buildkit', ...inputs,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [ENTRY], { cwd: workspace, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const sarifPath = join(runnerTemp, 'buildsecrets.sarif');
      resolve({ code, stdout, stderr, outputs: parseOutputs(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8'), sarif: existsSync(sarifPath) ? readFileSync(sarifPath, 'utf8') : undefined });
    });
  });
}

const unescape = (data: string): string => data.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');

function expectNoValueOutsideMasks(run: ActionRun): void {
  const lines = run.stdout.split('\n');
  for (const line of lines.filter((l) => !l.startsWith('::add-mask::'))) {
    for (const part of [VALUE, ...VALUE_LINES]) expect(line, 'a value line printed outside ::add-mask::').not.toContain(part);
  }
  for (const line of lines.filter((l) => l.startsWith('::add-mask::'))) expect(line).not.toMatch(/[\r]/);
  for (const text of [run.stderr, run.summary, JSON.stringify(run.outputs), run.sarif ?? '']) for (const part of [VALUE, ...VALUE_LINES]) expect(text).not.toContain(part);
}

describe('the GitHub Action entry point (action/index.mjs, as a runner starts it)', () => {
  it('masks every line and the whole value (escaped) and its encoded forms, before any other output, with echo off first', async () => {
    const run = await runAction('clean', {}, archive('clean-image', { 'app/ok': 'fine' }));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    const masks = lines.filter((l) => l.startsWith('::add-mask::')).map((l) => unescape(l.slice('::add-mask::'.length)));
    expect(lines[0]).toBe('::echo::off');
    expect(masks).toContain(VALUE);
    for (const line of VALUE_LINES) expect(masks).toContain(line);
    // `%0A` inside the value stays literal: the escaped `%25` makes the runner read it back as written.
    expect(masks).toContain('first-line-Q7v%0Anot-a-break-2Kd');
    // Base64 is masked as the redactor masks it: the part fixed by the value alone (all but the last partial sextet).
    const b64 = Buffer.from(VALUE).toString('base64');
    expect(masks.some((m) => b64.startsWith(m) && m.length >= b64.length - 4)).toBe(true);
    expect(masks).toContain(Buffer.from(VALUE).toString('hex'));
    expect(masks).toContain(encodeURIComponent(VALUE));
    // Every mask comes before the engine's first line.
    const lastMask = lines.map((l, i) => (l.startsWith('::add-mask::') && !l.includes('printed-by-a-build-step') ? i : -1)).reduce((a, b) => Math.max(a, b));
    expect(lastMask).toBeLessThan(lines.indexOf('step 1/2: building'));
    expectNoValueOutsideMasks(run);
  });

  it('switches workflow commands off while the engine prints: a RUN step cannot forge masks or errors', async () => {
    const run = await runAction('forge', {}, archive('forge-image', { 'app/ok': 'fine' }));
    const lines = run.stdout.split('\n');
    const stop = lines.findIndex((l) => l.startsWith('::stop-commands::'));
    const token = lines[stop]!.slice('::stop-commands::'.length);
    expect(token).toMatch(/^buildsecrets-[0-9a-f-]{36}$/);
    const resume = lines.indexOf(`::${token}::`);
    const forged = lines.indexOf('::add-mask::printed-by-a-build-step');
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(forged).toBeGreaterThan(stop);
    expect(resume).toBeGreaterThan(forged);
    expect(lines.indexOf('::error::forged by a RUN step')).toBeLessThan(resume);
  });

  it('writes outputs in the multi-line heredoc form, the job summary and a schema-valid SARIF file — no value anywhere', async () => {
    const run = await runAction('outputs', { 'INPUT_SARIF-FILE': '' }, archive('outputs-image', { 'app/ok': 'fine' }));
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'clean', 'image-id': `sha256:${'0'.repeat(63)}5`, findings: '0', pushed: '', digest: '' });
    expect(run.outputs['sarif-file']).toMatch(/runner-temp\/buildsecrets\.sarif$/);
    expect(validate(JSON.parse(run.sarif!))).toEqual([]);
    expect(run.summary).toContain('the image is clean');
    expect(run.summary).toContain('`deploy_key`');
    expectNoValueOutsideMasks(run);
  });

  it('a leak: exit 3, an ::error:: command, the finding in the SARIF file and the summary, nothing pushed', async () => {
    const run = await runAction('leak', { INPUT_PUSH: 'true', INPUT_TAGS: '127.0.0.1:5000/app:1\n127.0.0.1:5000/app:latest' }, archive('leak-image', { 'app/key': VALUE }));
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^::error title=buildsecrets audit::/m);
    expect(run.outputs).toMatchObject({ result: 'leak', pushed: '', digest: '' });
    expect(Number(run.outputs['findings'])).toBeGreaterThan(0);
    const sarif = JSON.parse(run.sarif!) as { runs: { results: { ruleId: string }[] }[] };
    expect(validate(sarif)).toEqual([]);
    expect(sarif.runs[0]!.results.length).toBe(Number(run.outputs['findings']));
    expect(run.summary).toContain('Nothing was pushed.');
    expect(run.stdout).not.toMatch(/pushed 127/);
    expectNoValueOutsideMasks(run);
  });

  it('a clean build with push: true pushes every tag and outputs each REF@DIGEST', async () => {
    const run = await runAction('push', { INPUT_PUSH: 'true', INPUT_TAGS: '127.0.0.1:5000/app:1' }, archive('push-image', { 'app/ok': 'fine' }));
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['pushed']).toBe(`127.0.0.1:5000/app:1@sha256:${'0'.repeat(63)}9`);
    expect(run.outputs['digest']).toBe(`sha256:${'0'.repeat(63)}9`);
  });

  it('a bad input is a usage error (exit 2) named in an ::error:: command; the summary and outputs still say it failed', async () => {
    const run = await runAction('bad-input', { INPUT_PUSH: 'yes' }, archive('bad-image', { 'app/ok': 'fine' }));
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^::error title=buildsecrets::.*input push must be true or false/m);
    expect(run.outputs['result']).toBe('failed');
    expect(run.summary).toContain('the build failed');
  });

  it('the committed bundle and its scanning worker are what the sources build today (fails when either is stale)', async () => {
    const { bundleAction, bundleActionWorker } = (await import(join(ROOT, 'packages/cli/scripts/bundle-action.mjs'))) as { bundleAction: () => Promise<string>; bundleActionWorker: () => Promise<string> };
    expect((await bundleAction()) === readFileSync(ENTRY, 'utf8'), 'run `npx tsc -b && node packages/cli/scripts/bundle-action.mjs` and commit action/index.mjs').toBe(true);
    expect((await bundleActionWorker()) === readFileSync(join(ROOT, 'action/layer-worker.js'), 'utf8'), 'run `npx tsc -b && node packages/cli/scripts/bundle-action.mjs` and commit action/layer-worker.js').toBe(true);
  });

  it("ships the audit's scanning worker next to the bundle, and the worker finds the value in a layer read from a file", async () => {
    // On 2 cores the calling thread searches up to 4 layers itself and no worker starts; with more
    // cores workers take some of them, so the entry they load must work on its own.
    const layerTar = writeDockerArchive(join(root, 'worker-layer'), { 'app/key': VALUE });
    const { patterns } = buildPatterns([{ id: 'deploy_key', value: VALUE }]);
    const worker = new Worker(join(ROOT, 'action/layer-worker.js'), { workerData: { patterns: patterns.map((p) => ({ secretId: p.secretId, encoding: p.encoding, bytes: new Uint8Array(p.bytes) })) } });
    try {
      const answer = new Promise<{ outcome: { scan?: { hits: Map<string, Set<number>> }; unscanned?: string } }>((resolve, reject) => {
        worker.on('message', (m: { type: string; outcome: { scan?: { hits: Map<string, Set<number>> } } }) => m.type === 'done' && resolve(m));
        worker.on('error', reject);
      });
      worker.postMessage({ type: 'file', job: 1, path: 'image.tar', format: 'tar', file: layerTar, offset: 0, size: statSync(layerTar).size });
      const { outcome } = await answer;
      expect(outcome.unscanned).toBeUndefined();
      // The archive is searched as one tar: the layer tar inside it holds the value's lines.
      expect(outcome.scan?.hits.get('l1/layer.tar')?.size).toBeGreaterThan(0);
    } finally {
      await worker.terminate();
    }
  });

  it('searches a layer of 1 MiB or more (the size at which layers are searched several at once): a leak, not an unscanned layer', async () => {
    const filler = randomBytes(3 << 20).toString('base64');
    const run = await runAction('big-layer', {}, archive('big-image', { 'app/filler': filler, 'app/key': VALUE }));
    expect(run.code).toBe(3);
    expect(run.outputs['result']).toBe('leak');
    expect(run.stdout).not.toMatch(/could not be searched|unscanned/);
    expectNoValueOutsideMasks(run);
  });
});
