import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { BuildSecretsError, type SecretProvider, type SecretResult } from '@buildsecrets/core';
import { createTestContext, runProviderConformance } from '@buildsecrets/test-kit';
import keywhiz from '../index.js';
import { keywhizOptionsSchema } from '../options.js';
import { CANARY, makeSecretDir, type SecretDir } from '../__fixtures__/secret-dir.js';

let dir: SecretDir;
const test = createTestContext({ instanceName: 'kw-dir' });
beforeAll(() => {
  dir = makeSecretDir();
});
afterAll(() => dir.remove());

async function provider(root = dir.root, baseDir = dir.base): Promise<SecretProvider> {
  const options = keywhizOptionsSchema.parse({ mode: 'directory', root });
  return keywhiz.create(options, { ...test.context, baseDir });
}

async function resolveOne(ref: string, extra: { key?: string; version?: string } = {}): Promise<SecretResult> {
  const p = await provider();
  try {
    const [result] = await p.resolve([{ id: 'sec', ref, ...extra }], new AbortController().signal);
    return result!;
  } finally {
    await p.dispose();
  }
}

function errorOf(result: SecretResult): BuildSecretsError {
  if (result.ok) throw new Error('expected an error, got a value');
  const text = [result.error.message, result.error.stack, inspect(result.error)].join('\n');
  expect(text).not.toContain(CANARY);
  expect(result.error.secretId).toBe('sec');
  expect(result.error.provider).toBe('kw-dir');
  return result.error;
}

function text(result: SecretResult): string {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.message}`);
  return result.value.revealString();
}

describe('keywhiz directory mode', () => {
  it('reads a file under the root, relative to the config directory', async () => {
    const p = await provider('secrets');
    const [r] = await p.resolve([{ id: 'sec', ref: 'db-password' }], new AbortController().signal);
    expect(text(r!)).toBe(`pw-${CANARY}`);
  });

  it('returns binary content byte for byte', async () => {
    const r = await resolveOne('binary');
    expect(r.ok && [...r.value.reveal()]).toEqual([0, 255, 1, 254, 10, 13]);
  });

  it('reads nested names and symlinks that stay inside the root', async () => {
    expect(text(await resolveOne('team/api-token'))).toBe('nested-token');
    expect(text(await resolveOne('alias'))).toBe(`pw-${CANARY}`);
  });

  it('follows the Kubernetes ..data symlinks', async () => {
    expect(text(await resolveOne('token'))).toBe('k8s-token');
  });

  it('refuses a symlink that leads outside the root', async () => {
    expect(errorOf(await resolveOne('escape')).code).toBe('PERMISSION_DENIED');
    expect(errorOf(await resolveOne('linked-dir/stolen')).code).toBe('PERMISSION_DENIED');
  });

  it.each([
    ['../outside/stolen', 'contains a "." or ".." segment'],
    ['team/../../outside/stolen', 'contains a "." or ".." segment'],
    [`${'/'}etc/passwd`, 'is an absolute path'],
    ['db-password\0x', 'contains a NUL byte'],
    ['.hidden', 'names starting with "." are reserved'],
    ['..data/token', 'names starting with "." are reserved'],
    ['.json/secret/fresh', 'names starting with "." are reserved'],
    ['team//api-token', 'empty path segment'],
  ])('refuses the ref %j before touching the file system', async (ref, why) => {
    const error = errorOf(await resolveOne(ref));
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.message).toContain(why);
  });

  it('reports a missing file as not found', async () => {
    expect(errorOf(await resolveOne('nope')).code).toBe('SECRET_NOT_FOUND');
  });

  it('enforces the 500 KiB limit before reading, and accepts exactly 500 KiB', async () => {
    const error = errorOf(await resolveOne('big'));
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.message).toContain('512001 bytes');
    const fits = await resolveOne('just-fits');
    expect(fits.ok && fits.value.length).toBe(500 * 1024);
  });

  it('refuses directories and FIFOs without blocking', async () => {
    expect(errorOf(await resolveOne('a-directory')).message).toContain('not a regular file');
    expect(errorOf(await resolveOne('fifo')).message).toContain('not a regular file');
  });

  it('fails an expired keywhiz-fs secret and accepts a fresh one', async () => {
    const error = errorOf(await resolveOne('expired'));
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.message).toContain('expired at 2001-09-09');
    expect(text(await resolveOne('fresh'))).toBe('fresh-value');
  });

  it('checks the size keywhiz-fs reports before reading the content', async () => {
    expect(errorOf(await resolveOne('claims-huge')).message).toContain('10000000 bytes');
  });

  it('fails closed on unreadable metadata without quoting it', async () => {
    expect(errorOf(await resolveOne('broken-meta')).message).toContain('is not a JSON object');
  });

  it('picks a key out of a JSON file and names a missing key', async () => {
    expect(text(await resolveOne('db.json', { key: 'nested.port' }))).toBe('5432');
    expect(errorOf(await resolveOne('db.json', { key: 'host' })).code).toBe('SECRET_NOT_FOUND');
    expect(errorOf(await resolveOne('db-password', { key: 'x' })).code).toBe('SECRET_INVALID');
  });

  it('refuses a version pin', async () => {
    expect(errorOf(await resolveOne('db-password', { version: '2' })).message).toContain('cannot be pinned');
  });

  it('fails the batch with a typed error when the root is not there', async () => {
    const p = await provider('no-such-dir');
    await expect(p.resolve([{ id: 'sec', ref: 'x' }], new AbortController().signal)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('logs nothing that holds a value', () => {
    expect(test.logs.join('\n')).not.toContain(CANARY);
  });
});

describe('keywhiz directory mode conformance', () => {
  runProviderConformance({
    it,
    expect,
    create: () => provider(),
    capabilities: keywhiz.capabilities,
    name: 'keywhiz directory',
    seed: {
      found: { ref: 'db-password', value: `pw-${CANARY}` },
      missing: { ref: 'nope' },
      empty: { ref: 'empty' },
      json: { ref: 'db.json', key: 'password', value: CANARY, missingKey: 'host' },
      invalid: [{ ref: 'db-password', key: 'x' }, { ref: 'broken-meta' }, { ref: 'escape' }, { ref: '.hidden' }],
      canary: CANARY,
    },
  });
});

describe('keywhiz options', () => {
  it('rejects an unknown mode and a plain-http server URL', () => {
    expect(keywhizOptionsSchema.safeParse({ mode: 'ftp', root: 'x' }).success).toBe(false);
    expect(keywhizOptionsSchema.safeParse({ mode: 'server', url: 'http://127.0.0.1:1', clientCert: 'a', clientKey: 'b', ca: 'c' }).success).toBe(false);
    expect(keywhizOptionsSchema.safeParse({ mode: 'directory', root: 'x', extra: 1 }).success).toBe(false);
  });
});
