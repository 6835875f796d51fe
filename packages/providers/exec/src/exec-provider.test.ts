import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuildSecretsError, SecretResult } from '@buildsecrets/core';
import { createTestContext, runProviderConformance } from '@buildsecrets/test-kit';
import exec from './index.js';
import { execOptionsSchema } from './options.js';
import { eventually, groupMembers, isAlive } from './__fixtures__/processes.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';
import { allowCanaryOutput } from '../../../../test/setup/canary.js';

/**
 * A provider command's stdout IS the value (that is the exec protocol), and the fixtures echo values
 * to stderr to prove the provider scrubs them: those two pipes of the fixture scripts, and nothing
 * else, may carry a canary. Armed per test (the opt-out ends with each test).
 */
const allowProviderPipes = (): void =>
  allowCanaryOutput(/^child .*\/__fixtures__\/(shell|summon)-provider\.(sh|py) std(out|err)$/, 'the provider script hands the value over on stdout and echoes it on stderr on purpose');

const CANARY = makeCanary('exec');
const API_TOKEN = 'api-token-9c2f77d1';
const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const shell = join(fixtures, 'shell-provider.sh');
const python = join(fixtures, 'summon-provider.py');

const work = mkdtempSync(join(tmpdir(), 'exec-provider-'));
const storeDir = join(work, 'store');
const pids = join(work, 'pids');
mkdirSync(storeDir);
mkdirSync(pids);
writeFileSync(join(storeDir, 'db'), `pw-${CANARY}`);
const summonStore = join(work, 'summon.json');
writeFileSync(summonStore, JSON.stringify({ db: `pw-${CANARY}`, empty: '', 'db.json': JSON.stringify({ user: 'app', password: CANARY }) }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = { PATH: process.env['PATH'], STORE_DIR: storeDir, PIDS: pids, SUMMON_STORE: summonStore, API_TOKEN, NOT_ALLOWED: 'must-not-pass' };
const test = createTestContext({ instanceName: 'ex', env, baseDir: fixtures });

async function resolveWith(options: Record<string, unknown>, ref: string, key?: string): Promise<SecretResult> {
  const parsed = execOptionsSchema.parse({ command: shell, env: ['STORE_DIR', 'PIDS', 'API_TOKEN'], ...options });
  const p = await exec.create(parsed, test.context);
  try {
    const [r] = await p.resolve([{ id: 'sec', ref, ...(key ? { key } : {}) }], new AbortController().signal);
    return r!;
  } finally {
    await p.dispose();
  }
}

function value(r: SecretResult): string {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.message}`);
  return r.value.revealString();
}

function errorOf(r: SecretResult): BuildSecretsError {
  if (r.ok) throw new Error('expected an error, got a value');
  const all = [r.error.message, r.error.stack, inspect(r.error, { depth: 5 })].join('\n');
  for (const needle of [CANARY, API_TOKEN]) expect(all).not.toContain(needle);
  expect([r.error.secretId, r.error.provider]).toEqual(['sec', 'ex']);
  return r.error;
}

describe('exec provider', () => {
  beforeEach(allowProviderPipes);

  it('passes args before the ref, which comes last, without a shell', async () => {
    expect(value(await resolveWith({ args: ['--store', 'a b;$(x)'] }, 'args'))).toBe('--store|a b;$(x)|args|');
  });

  it('passes only allow-listed variables plus PATH', async () => {
    const out = value(await resolveWith({ env: ['STORE_DIR'] }, 'env'));
    expect(out).toContain(`STORE_DIR=${storeDir}`);
    expect(out).toContain('PATH=');
    expect(out).not.toContain('NOT_ALLOWED');
    expect(out).not.toContain('API_TOKEN');
  });

  it('keeps output byte for byte, or drops one trailing newline when asked', async () => {
    expect(value(await resolveWith({}, 'echoed'))).toBe('hello\n');
    expect(value(await resolveWith({ trimTrailingNewline: true }, 'echoed'))).toBe('hello');
  });

  it('maps "not found" wording on stderr to SecretNotFoundError, other failures to a non-retryable ProviderUnavailableError', async () => {
    const missing = errorOf(await resolveWith({}, 'nope'));
    expect(missing.code).toBe('SECRET_NOT_FOUND');
    expect(missing.message).toContain('secret nope not found');
    const boom = errorOf(await resolveWith({}, 'boom'));
    expect([boom.code, boom.retryable]).toEqual(['PROVIDER_UNAVAILABLE', false]);
    expect(boom.message).toContain('exited with code 1 for secret "sec": connection refused by backend');
  });

  it('accepts a custom notFoundPattern', async () => {
    expect(errorOf(await resolveWith({}, 'custom-missing')).code).toBe('PROVIDER_UNAVAILABLE');
    expect(errorOf(await resolveWith({ notFoundPattern: '^E404$' }, 'custom-missing')).code).toBe('SECRET_NOT_FOUND');
  });

  it('names the command when it cannot be found or exits 127', async () => {
    const enoent = errorOf(await resolveWith({ command: 'no-such-provider-xyz' }, 'db'));
    expect(enoent.code).toBe('PLUGIN_LOAD_FAILED');
    expect(enoent.message).toContain('"no-such-provider-xyz" was not found');
    const exit127 = errorOf(await resolveWith({}, 'exit127'));
    expect(exit127.code).toBe('PLUGIN_LOAD_FAILED');
    expect(exit127.message).toContain('command not found');
  });

  it('resolves a relative command against the config directory', async () => {
    expect(value(await resolveWith({ command: './shell-provider.sh' }, 'db'))).toBe(`pw-${CANARY}`);
  });

  it('never quotes stdout, known values or passed credentials from stderr', async () => {
    const p = await exec.create(execOptionsSchema.parse({ command: shell, env: ['STORE_DIR', 'API_TOKEN'] }), test.context);
    // Values are known once resolved, so the echoing calls come after the value was fetched.
    const [first] = await p.resolve([{ id: 'sec', ref: 'db' }], new AbortController().signal);
    const [leak, cred] = await p.resolve([{ id: 'sec', ref: 'leak-stored' }, { id: 'sec', ref: 'leak-env' }], new AbortController().signal);
    await p.dispose();
    expect(value(first!)).toBe(`pw-${CANARY}`);
    expect(errorOf(leak!).message).toContain('exited with code 2 for secret "sec": ***');
    expect(errorOf(cred!).message).toContain('using token=***');
    const py = await resolveWith({ command: python, env: ['SUMMON_STORE'] }, 'crash');
    expect(errorOf(py).message).toContain('could not finish after printing ***');
  });

  it('caps stderr in messages at 4 KiB', async () => {
    const error = errorOf(await resolveWith({}, 'noisy'));
    expect(error.message.length).toBeLessThan(4 * 1024 + 400);
    expect(error.message).toContain('xxxx…');
  });

  it('kills a command that prints more than maxOutputBytes', async () => {
    const error = errorOf(await resolveWith({ maxOutputBytes: 1000 }, 'flood'));
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.message).toContain('more than 1000 bytes');
  });

  it('kills the whole process tree on timeout, leaving nothing behind', async () => {
    const error = errorOf(await resolveWith({ timeoutMs: 500 }, 'tree'));
    expect([error.code, error.retryable]).toEqual(['TIMEOUT', true]);
    const read = (name: string): number => Number(readFileSync(join(pids, name), 'utf8').trim());
    const [self, child, grandchild] = [read('self'), read('child'), read('grandchild')];
    expect(await eventually(() => ![self, child, grandchild].some(isAlive) && groupMembers(self).length === 0)).toBe(true);
  });

  it('refuses refs the command would read as options, and version pins', async () => {
    expect(errorOf(await resolveWith({}, '--help')).code).toBe('SECRET_INVALID');
    const p = await exec.create(execOptionsSchema.parse({ command: shell }), test.context);
    const [r] = await p.resolve([{ id: 'sec', ref: 'db', version: '2' }], new AbortController().signal);
    expect(errorOf(r!).message).toContain('cannot pin');
  });

  it('stops commands still running when disposed', async () => {
    const p = await exec.create(execOptionsSchema.parse({ command: python, env: ['SUMMON_STORE'] }), test.context);
    const pending = p.resolve([{ id: 'sec', ref: 'slow' }], new AbortController().signal);
    setTimeout(() => void p.dispose(), 100);
    const [r] = await pending;
    expect(errorOf(r!).code).toBe('ABORTED');
  });

  it('logs nothing that holds a value', () => {
    expect(test.logs.join('\n')).not.toContain(CANARY);
  });
});

describe('exec provider conformance (summon-style Python provider)', () => {
  beforeEach(allowProviderPipes);

  runProviderConformance({
    it,
    expect,
    create: () => exec.create(execOptionsSchema.parse({ command: python, env: ['SUMMON_STORE'] }), test.context),
    capabilities: exec.capabilities,
    name: 'exec',
    boundMs: 10_000,
    seed: {
      found: { ref: 'db', value: `pw-${CANARY}` },
      missing: { ref: 'nope' },
      empty: { ref: 'empty' },
      json: { ref: 'db.json', key: 'password', value: CANARY, missingKey: 'host' },
      invalid: [{ ref: 'crash' }, { ref: 'db', key: 'x' }],
      slow: { ref: 'slow' },
      canary: CANARY,
    },
  });
});
