import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sarifValidator } from '../sarif/__fixtures__/sarif-schema.js';
import { runCliCaptured } from '../test-support/run-cli-captured.js';

// `build --format sarif` with a scripted docker (the real engines are proven in test/e2e).
const TOKEN = 'build-sarif-canary-8d21f0c7a9e3';
const root = mkdtempSync(join(tmpdir(), 'bs-build-sarif-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let validate: (log: unknown) => string[];
beforeAll(async () => {
  validate = await sarifValidator();
}, 180_000);

function setup(files: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(root, 'case-'));
  const layer = join(dir, 'layer');
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(layer, path, '..'), { recursive: true });
    writeFileSync(join(layer, path), body);
  }
  mkdirSync(join(dir, 'out', 'l1'), { recursive: true });
  execFileSync('tar', ['-C', layer, '-cf', join(dir, 'out', 'l1', 'layer.tar'), '.']);
  writeFileSync(join(dir, 'out', 'cfg.json'), JSON.stringify({ config: {}, history: [], rootfs: { type: 'layers', diff_ids: [`sha256:${'e'.repeat(64)}`] } }));
  writeFileSync(join(dir, 'out', 'manifest.json'), JSON.stringify([{ Config: 'cfg.json', Layers: ['l1/layer.tar'] }]));
  execFileSync('tar', ['-C', join(dir, 'out'), '-cf', join(dir, 'image.tar'), 'l1', 'cfg.json', 'manifest.json']);
  mkdirSync(join(dir, 'ctx'));
  writeFileSync(join(dir, 'ctx', 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=token,required=true true\n');
  writeFileSync(join(dir, 'buildsecrets.yaml'), 'version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  token: { from: local, ref: TOKEN }\n');
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\ncase "$1" in version) echo "20.10.24|20.10.24|linux"; exit 0 ;; buildx|info|image) exit 1 ;; save) cat "${join(dir, 'image.tar')}"; exit 0 ;; esac\niid=""; prev=""; for a in "$@"; do [ "$prev" = "--iidfile" ] && iid="$a"; prev="$a"; done\n[ -n "$iid" ] && printf 'sha256:%064d' 5 > "$iid"\nexit 0\n`);
  chmodSync(join(dir, 'docker'), 0o755);
  return { dir, TOKEN, PATH: process.env['PATH'] ?? '', BUILDSECRETS_DOCKER: join(dir, 'docker'), BUILDSECRETS_TMPDIR: dir, BUILDSECRETS_ENGINE: 'docker-buildkit' };
}

describe('buildsecrets build --format sarif', () => {
  it('a clean build: a valid log with no results, exit 0', async () => {
    const { dir, ...env } = setup({ 'app/ok': 'fine' });
    const run = await runCliCaptured(['build', '--config', join(dir!, 'buildsecrets.yaml'), '--format', 'sarif', join(dir!, 'ctx')], { env, cwd: dir! });
    expect(run.code, run.stderr).toBe(0);
    const log = JSON.parse(run.stdout) as { runs: { results: unknown[] }[] };
    expect(validate(log)).toEqual([]);
    expect(log.runs[0]!.results).toEqual([]);
  });

  it('a leak: the log is still written (one result per finding), exit 3, and no value in it', async () => {
    const { dir, ...env } = setup({ 'app/token': TOKEN, 'app/b64': Buffer.from(TOKEN).toString('base64') });
    const run = await runCliCaptured(['build', '--config', join(dir!, 'buildsecrets.yaml'), '--format', 'sarif', join(dir!, 'ctx')], { env, cwd: dir! });
    expect(run.code).toBe(3);
    const log = JSON.parse(run.stdout) as { runs: { results: { ruleId: string }[]; invocations: { exitCode: number }[] }[] };
    expect(validate(log)).toEqual([]);
    expect(log.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(['buildsecrets/leak/base64', 'buildsecrets/leak/raw']);
    expect(log.runs[0]!.invocations[0]!.exitCode).toBe(3);
    for (const form of [TOKEN, Buffer.from(TOKEN).toString('base64')]) expect(run.stdout + run.stderr).not.toContain(form);
  });
});
