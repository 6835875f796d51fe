import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../test-support/run-cli-captured.js';
import { writeDockerArchive } from '../test-support/docker-archive.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const TOKEN = makeCanary('audit-cli');
const root = mkdtempSync(join(tmpdir(), 'bs-cli-audit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A docker-archive with one layer holding `files`. */
const archive = (name: string, files: Record<string, string>): string => writeDockerArchive(join(root, name), files);

const leaky = archive('leaky', { 'app/.env': `TOKEN=${Buffer.from(TOKEN).toString('base64')}\n`, 'app/ok': 'fine' });
const clean = archive('clean', { 'app/ok': 'fine' });

function expectNoValue(run: { stdout: string; stderr: string }): void {
  for (const form of [TOKEN, Buffer.from(TOKEN).toString('base64')]) {
    expect(run.stdout).not.toContain(form);
    expect(run.stderr).not.toContain(form);
  }
}

describe('buildsecrets audit', () => {
  it('exits 3 and names the secret, encoding, layer and path of a leak found with --values-from-env', async () => {
    const run = await runCliCaptured(['audit', leaky, '--values-from-env', 'TOKEN'], { env: { TOKEN }, cwd: root });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/TOKEN \(base64\)\s+layer sha256:e{64}\s+\/app\/\.env/);
    expectNoValue(run);
  });

  it('prints the report as JSON with --json', async () => {
    const run = await runCliCaptured(['audit', leaky, '--json', '--values-from-env', 'TOKEN'], { env: { TOKEN }, cwd: root });
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as { clean: boolean; findings: unknown[] };
    expect(report.clean).toBe(false);
    expect(report.findings).toEqual([{ secretId: 'TOKEN', encoding: 'base64', location: { kind: 'layer', layer: `sha256:${'e'.repeat(64)}`, path: 'app/.env' } }]);
    expectNoValue(run);
  });

  it('exits 0 for a clean archive', async () => {
    const run = await runCliCaptured(['audit', clean, '--values-from-env', 'TOKEN'], { env: { TOKEN }, cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no secret values found');
  });

  it('resolves the configured secrets when there is a config', async () => {
    const dir = join(root, 'project');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'buildsecrets.yaml'), 'version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  npm_token: { from: local, ref: NPM_TOKEN }\n');
    const run = await runCliCaptured(['audit', leaky, '--config', join(dir, 'buildsecrets.yaml')], { env: { NPM_TOKEN: TOKEN }, cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('npm_token (base64)');
    expectNoValue(run);
  });

  it('exits 2 when a named variable is unset or the image is missing', async () => {
    const unset = await runCliCaptured(['audit', leaky, '--values-from-env', 'NOPE'], { env: {}, cwd: root });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOPE');
    expect((await runCliCaptured(['audit', '--values-from-env', 'TOKEN'], { env: { TOKEN }, cwd: root })).code).toBe(2);
  });

  it('exits 1 when the archive cannot be read', async () => {
    const broken = join(root, 'broken.tar');
    writeFileSync(broken, 'this is not a tar archive'.repeat(40));
    const run = await runCliCaptured(['audit', broken, '--values-from-env', 'TOKEN'], { env: { TOKEN }, cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not a valid tar archive');
    expectNoValue(run);
  });

  it('says a small file that is not a tar is not a tar archive (exit 1, no stack trace)', async () => {
    const text = join(root, 'notes.txt');
    writeFileSync(text, 'hello\n');
    const run = await runCliCaptured(['audit', text, '--values-from-env', 'TOKEN'], { env: { TOKEN }, cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`archive ${text} is not a tar archive (6 bytes, shorter than one tar header)`);
    expect(run.stderr).not.toContain('truncated');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expectNoValue(run);
  });

  it('exits 1 when a layer could not be searched, naming the layer and why, even with nothing found elsewhere', async () => {
    const dir = join(root, 'unsearchable');
    mkdirSync(join(dir, 'l1'), { recursive: true });
    // A layer whose gzip data is corrupt: the archive reads, the layer does not.
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]), Buffer.alloc(2000, 0x55)]);
    writeFileSync(join(dir, 'l1', 'layer.tar'), corrupt);
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ config: {}, history: [], rootfs: { type: 'layers', diff_ids: [`sha256:${'c'.repeat(64)}`] } }));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: 'cfg.json', Layers: ['l1/layer.tar'] }]));
    const file = join(root, 'unsearchable.tar');
    execFileSync('tar', ['-C', dir, '-cf', file, 'l1', 'cfg.json', 'manifest.json']);
    const run = await runCliCaptured(['audit', file, '--values-from-env', 'TOKEN'], { env: { TOKEN }, cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`unscanned layer sha256:${'c'.repeat(64)}: its gzip data is corrupt`);
    expect(run.stdout).toContain('audit is incomplete');
    expectNoValue(run);
  });
});
