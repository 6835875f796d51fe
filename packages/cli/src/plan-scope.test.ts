import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from './test-support/run-cli-captured.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bs-cli-plan-scope-'));
  await writeFile(join(dir, 'buildsecrets.yaml'), [
    'version: 1',
    'providers: { local: { use: env } }',
    'secrets:',
    '  test_token: { from: local, ref: TEST_TOKEN }',
    '  release_token: { from: local, ref: RELEASE_TOKEN }',
    '  npm_token: { from: local, ref: NPM_TOKEN }',
    '  npmrc: { template: "//r/:_authToken={{ secret \\"npm_token\\" }}" }',
    '',
  ].join('\n'));
  await writeFile(join(dir, 'Dockerfile'), [
    'FROM busybox AS test',
    'RUN --mount=type=secret,id=test_token,required=true true',
    'FROM busybox AS final',
    'RUN --mount=type=secret,id=release_token,required=true --mount=type=secret,id=npmrc,required=true true',
    '',
  ].join('\n'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('buildsecrets plan --target', () => {
  it('lists the secrets the target does not use as "not needed by this target"', async () => {
    const run = await runCliCaptured(['plan', '--target', 'test', '.'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(run.code, run.stderr).toBe(0);
    const blocks = run.stdout.split(/\n(?=\S)/);
    const block = (id: string): string => blocks.find((b) => b.startsWith(`${id}\n`)) ?? '';
    expect(block('release_token')).toContain('not needed by this target (test)');
    expect(block('npmrc')).toContain('not needed by this target');
    expect(block('test_token')).not.toContain('not needed');
  });

  it('--json carries notNeeded and the target; the default is the last stage', async () => {
    const run = await runCliCaptured(['--json', 'plan', '.'], { cwd: dir, env: {} });
    const plan = JSON.parse(run.stdout) as { notNeeded: string[]; target: string; findings: { code: string; secretId?: string }[] };
    expect(plan.target).toBe('final');
    expect(plan.notNeeded).toEqual(['test_token']);
    // npm_token is only a template part: the plan says to make it inject: none.
    expect(plan.findings).toContainEqual(expect.objectContaining({ code: 'template-part-injected', secretId: 'npm_token' }));
  });

  it('an unknown --target is a usage error (exit 2)', async () => {
    const run = await runCliCaptured(['plan', '--target', 'nope', '.'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain('target stage "nope" is not in the Dockerfile (stages: test, final)');
  });
});
