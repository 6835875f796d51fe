import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real executable, as users run it (built by `tsc -b`, which `npm test` runs first).
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 });
}

describe('the buildsecrets executable', () => {
  it('is built', () => {
    expect(existsSync(BIN)).toBe(true);
  });

  it('prints its version', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers a bare --version from the committed executable too, with the package version', () => {
    const committed = fileURLToPath(new URL('../bin/buildsecrets.js', import.meta.url));
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = spawnSync(process.execPath, [committed, flag], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 20_000 });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
    expect(run(['--version']).stdout).toBe(`${pkg.version}\n`);
  });

  it('turns a bad config into one paragraph and exit 2, never a stack trace', () => {
    const r = run(['check', '--config', '/nonexistent/buildsecrets.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\[buildsecrets\]/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 without arguments and prints usage', () => {
    const r = run([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: buildsecrets <command>');
  });
});
