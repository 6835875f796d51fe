import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';
import { runCliCaptured } from './test-support/run-cli-captured.js';
import { makeCanary } from '../../../test/setup/canary-values.js';
import { tempDir } from '../../../test/support/temp-dirs.js';

const CANARY = makeCanary('cli');

async function project(yaml: string): Promise<string> {
  const dir = await tempDir('bs-cli-');
  await writeFile(join(dir, 'buildsecrets.yaml'), yaml);
  return dir;
}

const ENV_CONFIG = `version: 1
providers:
  local: { use: env }
secrets:
  npm_token: { from: local, ref: NPM_TOKEN }
  json_field: { from: local, ref: JSON_SECRET, key: password }
`;

describe('buildsecrets CLI', () => {
  it('prints help listing every command, and help for each command', async () => {
    const main = await runCliCaptured(['--help']);
    expect(main.code).toBe(0);
    for (const c of COMMANDS) expect(main.stdout).toContain(c.name);
    for (const c of COMMANDS) {
      const r = await runCliCaptured([c.name, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: buildsecrets ${c.name}`);
    }
  });

  it('exits 2 with a did-you-mean for an unknown command or option', async () => {
    const cmd = await runCliCaptured(['chekc']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('did you mean check?');
    const opt = await runCliCaptured(['plan', '--jsno']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain('--json');
  });

  it('plan shows provider, ref, key and strategy per secret and fetches nothing', async () => {
    const dir = await project(ENV_CONFIG);
    const r = await runCliCaptured(['plan', '--json'], { cwd: dir, env: {} });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { secrets: { id: string; provider: string; ref: string; key?: string; inject: string }[] };
    expect(plan.secrets).toEqual([
      expect.objectContaining({ id: 'npm_token', provider: 'local', ref: 'NPM_TOKEN', inject: 'secret-mount' }),
      expect.objectContaining({ id: 'json_field', key: 'password' }),
    ]);
  });

  it('check reports ok/failed per id, exits 1 on any failure, and never prints a value even with --verbose', async () => {
    const dir = await project(ENV_CONFIG);
    const env = { NPM_TOKEN: CANARY, JSON_SECRET: JSON.stringify({ user: 'u', password: `${CANARY}-pw` }) };
    const ok = await runCliCaptured(['check', '--verbose'], { cwd: dir, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok      npm_token (local)');
    expect(ok.stdout + ok.stderr).not.toContain(CANARY);
    const bad = await runCliCaptured(['check', '--verbose', '--json'], { cwd: dir, env: { NPM_TOKEN: CANARY, JSON_SECRET: JSON.stringify({ user: CANARY }) } });
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; entries: { id: string; ok: boolean; error?: { code: string } }[] };
    expect(report.entries.find((e) => e.id === 'json_field')?.error?.code).toBe('SECRET_NOT_FOUND');
    expect(bad.stdout + bad.stderr).not.toContain(CANARY);
  });

  it('check warns by id about values under 8 bytes, and fails on them under build.minSecretLength', async () => {
    const yaml = 'version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  pin: { from: local, ref: PIN }\n';
    const warned = await runCliCaptured(['check'], { cwd: await project(yaml), env: { PIN: 'q7z9x' } });
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('warning pin: 5 bytes, under 8: the audit cannot search for it');
    const strict = await runCliCaptured(['check', '--json'], { cwd: await project(`${yaml}build:\n  minSecretLength: 8\n`), env: { PIN: 'q7z9x' } });
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout)).toMatchObject({ ok: false, entries: [{ id: 'pin', ok: false, short: { length: 5, minimum: 8 } }] });
    expect(warned.stdout + strict.stdout).not.toContain('q7z9x');
  });

  it('explains a missing config and suggests init (exit 2)', async () => {
    const dir = await tempDir('bs-cli-empty-');
    const r = await runCliCaptured(['check'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('buildsecrets init');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('init writes a starter config that plan accepts, and refuses to overwrite it', async () => {
    const dir = await tempDir('bs-cli-init-');
    const first = await runCliCaptured(['init'], { cwd: dir });
    expect(first.code).toBe(0);
    const text = await readFile(join(dir, 'buildsecrets.yaml'), 'utf8');
    expect(text).toContain('version: 1');
    expect((await runCliCaptured(['plan'], { cwd: dir })).code).toBe(0);
    const second = await runCliCaptured(['init'], { cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('already exists');
    expect(await readFile(join(dir, 'buildsecrets.yaml'), 'utf8')).toBe(text);
  });

  it('schema prints the JSON Schema of the config', async () => {
    const r = await runCliCaptured(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'providers', 'secrets', 'build']));
  });

  it('never echoes an interpolated value in a config error', async () => {
    const dir = await project(`version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  a: { from: local, ref: X, inject: "\${LEAKY}" }\n`);
    const r = await runCliCaptured(['plan'], { cwd: dir, env: { LEAKY: CANARY } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secrets.a.inject');
    expect(r.stderr).not.toContain(CANARY);
  });
});
