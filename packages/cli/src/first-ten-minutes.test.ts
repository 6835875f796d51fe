// The rough edges a new user meets in the first ten minutes (issue #11): help/version/completion
// commands, exit codes in help, extra arguments, check's grammar, init into a missing directory.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';
import { runCliCaptured } from './test-support/run-cli-captured.js';
import { tempDir } from '../../../test/support/temp-dirs.js';

async function project(yaml: string): Promise<string> {
  const dir = await tempDir('bs-cli-first10-');
  await writeFile(join(dir, 'buildsecrets.yaml'), yaml);
  return dir;
}

describe('help, version and completion commands', () => {
  it('`help` prints the main help on stdout and `help <command>` the command help', async () => {
    const main = await runCliCaptured(['help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('Usage: buildsecrets <command>');
    const plan = await runCliCaptured(['help', 'plan']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Usage: buildsecrets plan');
  });

  it('`help <unknown>` is a usage error with a did-you-mean', async () => {
    const r = await runCliCaptured(['help', 'chekc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "chekc"; did you mean check?');
  });

  it('top-level help lists every exit code, including 130 and 143 for interrupts', async () => {
    const r = await runCliCaptured(['--help']);
    for (const code of ['0 ok', '1 failure', '2 usage', '3 leak', '130 interrupted (SIGINT)', '143 terminated (SIGTERM)']) expect(r.stdout).toContain(code);
  });

  it('`version` prints the same as --version', async () => {
    const a = await runCliCaptured(['version']);
    const b = await runCliCaptured(['--version']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(['bash', 'zsh', 'fish'])('`completion %s` names every command and their flags', async (shell) => {
    const r = await runCliCaptured(['completion', shell]);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
    expect(r.stdout).toContain(shell === 'fish' ? '-l dry-run' : '--dry-run');
    expect(r.stdout).toContain(shell === 'fish' ? '-l values-from-env' : '--values-from-env');
  });

  it('the bash completion script is valid bash and completes commands and flags', async () => {
    const script = (await runCliCaptured(['completion', 'bash'])).stdout;
    const complete = (words: string[]): string[] => {
      const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _buildsecrets; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean);
    };
    expect(complete(['buildsecrets', 'pl'])).toEqual(['plan']);
    expect(complete(['buildsecrets', 'build', '--dry'])).toEqual(['--dry-run']);
  });

  it('`completion` without a known shell says which shells exist', async () => {
    const r = await runCliCaptured(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bash, zsh and fish');
  });
});

describe('arguments', () => {
  it.each([
    [['check', 'extra'], 'check does not take the argument "extra"'],
    [['plan', '.', 'more'], 'plan does not take the argument "more"'],
    [['schema', 'a', 'b'], 'schema does not take the arguments "a" "b"'],
    [['version', 'x'], 'version does not take the argument "x"'],
  ])('refuses unknown extra arguments: %j', async (argv, message) => {
    const r = await runCliCaptured(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('usage: buildsecrets');
  });
});

describe('check output', () => {
  it('says "1 secret resolved" for one secret, never "all 1 secrets"', async () => {
    const dir = await project('version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  one: { from: local, ref: ONE }\n');
    const r = await runCliCaptured(['check'], { cwd: dir, env: { ONE: 'value-one-123456' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 secret resolved');
    expect(r.stdout).not.toContain('all 1 secrets');
  });

  it('says "1 of 1 secret failed" in the singular', async () => {
    const dir = await project('version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  one: { from: local, ref: ONE }\n');
    const r = await runCliCaptured(['check'], { cwd: dir, env: {} });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 of 1 secret failed');
  });
});

describe('init', () => {
  it('into a missing directory says the directory does not exist and how to fix it', async () => {
    const dir = await tempDir('bs-cli-init-');
    const r = await runCliCaptured(['init', 'nope/buildsecrets.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the directory ${join(dir, 'nope')} does not exist`);
    expect(r.stderr).toContain('mkdir -p');
  });
});
