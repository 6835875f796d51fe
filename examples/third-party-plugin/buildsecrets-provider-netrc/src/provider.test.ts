import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, BuildSecretsError, type SecretRequest, type SecretResult } from '@buildsecrets/core';
import { createTestContext } from '@buildsecrets/test-kit';
import netrc from './index.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('netrc-provider');
const NETRC = `machine git.example login deploy password "${CANARY} pw" account team-7\ndefault login anonymous password ${CANARY}-default\n`;

let dir: string;
let logs: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netrc-provider-'));
  logs = [];
});
afterEach(() => {
  expect(logs.join('\n')).not.toContain(CANARY);
  rmSync(dir, { recursive: true, force: true });
});

function writeNetrc(name: string, text = NETRC, mode = 0o600): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

async function resolve(options: Record<string, unknown>, requests: SecretRequest[], env: Record<string, string> = {}, signal = new AbortController().signal): Promise<readonly SecretResult[]> {
  const test = createTestContext({ instanceName: 'creds', baseDir: dir, env });
  const provider = await netrc.create(netrc.optionsSchema.parse(options), test.context);
  try {
    return await provider.resolve(requests, signal);
  } finally {
    logs.push(...test.logs);
    await provider.dispose();
    await test.cleanup();
  }
}

function value(result: SecretResult | undefined): string {
  if (!result?.ok) throw new Error(`expected a value, got ${String(result?.ok === false ? result.error.message : result)}`);
  return result.value.revealString();
}

function failure(result: SecretResult | undefined): BuildSecretsError {
  if (!result || result.ok) throw new Error('expected an error');
  const e = result.error;
  expect(e).toBeInstanceOf(BuildSecretsError);
  expect(`${e.message}\n${e.stack ?? ''}\n${inspect(e)}\n${JSON.stringify(e)}`).not.toContain(CANARY);
  return e;
}

describe('netrc provider', () => {
  it('returns password by default, and login or account with key', async () => {
    const file = writeNetrc('netrc');
    const results = await resolve({ path: file }, [
      { id: 'pw', ref: 'git.example' },
      { id: 'user', ref: 'git.example', key: 'login' },
      { id: 'acct', ref: 'git.example', key: 'account' },
    ]);
    expect(results.map((r) => r.id)).toEqual(['pw', 'user', 'acct']);
    expect(results.map(value)).toEqual([`${CANARY} pw`, 'deploy', 'team-7']);
  });

  it('falls back to the default entry for an unknown machine', async () => {
    const [r] = await resolve({ path: writeNetrc('netrc') }, [{ id: 'any', ref: 'other.example' }]);
    expect(value(r)).toBe(`${CANARY}-default`);
  });

  it('refuses a file that group or others can access, naming the file and the fix', async () => {
    const file = writeNetrc('netrc', NETRC, 0o644);
    const error = failure((await resolve({ path: file }, [{ id: 'pw', ref: 'git.example' }]))[0]);
    expect(error.code).toBe('AUTHENTICATION_FAILED');
    expect(error.secretId).toBe('pw');
    expect(error.message).toContain(`[buildsecrets:creds] the netrc file ${file} can be accessed by group or others (mode 0644)`);
    expect(error.hint).toContain(`chmod 600 ${file}`);
  });

  it('reads such a file when allowInsecurePermissions is set', async () => {
    const file = writeNetrc('netrc', NETRC, 0o640);
    expect(value((await resolve({ path: file, allowInsecurePermissions: true }, [{ id: 'pw', ref: 'git.example' }]))[0])).toBe(`${CANARY} pw`);
  });

  it('resolves a relative path against the config directory, then $NETRC, then ~/.netrc', async () => {
    writeNetrc('conf/creds.netrc', 'machine h password from-path');
    writeNetrc('env.netrc', 'machine h password from-env');
    writeNetrc('home/.netrc', 'machine h password from-home');
    const request = [{ id: 'x', ref: 'h' }];
    expect(value((await resolve({ path: 'conf/creds.netrc' }, request, { NETRC: 'env.netrc', HOME: join(dir, 'home') }))[0])).toBe('from-path');
    expect(value((await resolve({ path: '~/.netrc' }, request, { HOME: join(dir, 'home') }))[0])).toBe('from-home');
    expect(value((await resolve({}, request, { NETRC: join(dir, 'env.netrc'), HOME: join(dir, 'home') }))[0])).toBe('from-env');
    expect(value((await resolve({}, request, { HOME: join(dir, 'home') }))[0])).toBe('from-home');
  });

  it('reports a missing file as not found for every request', async () => {
    const results = await resolve({ path: 'nope.netrc' }, [{ id: 'a', ref: 'h' }, { id: 'b', ref: 'h' }]);
    for (const [i, r] of results.entries()) {
      const e = failure(r);
      expect(e.code).toBe('SECRET_NOT_FOUND');
      expect(e.secretId).toBe(['a', 'b'][i]);
      expect(e.message).toContain(`no netrc file at ${join(dir, 'nope.netrc')}`);
    }
  });

  it('reports a malformed file with its line, never its content', async () => {
    const file = writeNetrc('netrc', `machine h\n password two ${CANARY}\n`);
    const e = failure((await resolve({ path: file }, [{ id: 'pw', ref: 'h' }]))[0]);
    expect(e.code).toBe('SECRET_INVALID');
    expect(e.message).toContain(`${file} is not valid netrc`);
    expect(e.message).toContain('(line 2)');
  });

  it('names a missing field and an unknown key', async () => {
    const file = writeNetrc('netrc', 'machine h login u');
    const [missing, unknown] = await resolve({ path: file }, [{ id: 'pw', ref: 'h' }, { id: 'tok', ref: 'h', key: 'token' }]);
    expect(failure(missing).message).toContain('machine h (line 1 of');
    expect(failure(missing).message).toContain('has no key "password"');
    expect(failure(unknown).code).toBe('SECRET_INVALID');
    expect(failure(unknown).hint).toBe('use key: login | password | account (default password)');
  });

  it('refuses a FIFO at the path instead of waiting for a writer', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    const e = failure((await resolve({ path: fifo }, [{ id: 'pw', ref: 'h' }]))[0]);
    expect(e.message).toContain(`${fifo} is not a regular file`);
  });

  it('throws AbortedError when the signal is already aborted', async () => {
    await expect(resolve({ path: writeNetrc('netrc') }, [{ id: 'pw', ref: 'h' }], {}, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });

  it('rejects unknown options, so a typo is not silently ignored', () => {
    expect(netrc.optionsSchema.safeParse({ paht: '/x' }).success).toBe(false);
  });

  it('describes a request without reading the file', async () => {
    const test = createTestContext({ instanceName: 'creds', baseDir: dir });
    const provider = await netrc.create(netrc.optionsSchema.parse({ path: 'missing' }), test.context);
    expect(provider.describe?.({ id: 'pw', ref: 'git.example', key: 'login' })).toBe(`login of machine git.example in ${join(dir, 'missing')}`);
    await provider.dispose();
  });
});
