import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretConfigSchema, type SecretConfig } from '../config/schema.js';
import { parseCsvRecord } from '../dockerfile/csv.js';
import { InvalidSecretError, StrategyRefusedError } from '../errors/index.js';
import { SecretValue } from '../secret-value.js';
import { CANARIES, makeCanary } from '../../../../test/setup/canary-values.js';
import { secretMountStrategy } from './secret-mount.js';
import type { SecretForInjection, StrategyContext } from './types.js';
import { testStrategyContext } from './__fixtures__/test-strategy-context.js';
import { tempDir } from '../../../../test/support/temp-dirs.js';

let root: string;
let lines: string[];
const canaries: string[] = [];

function context(overrides: Partial<StrategyContext> = {}): StrategyContext {
  return testStrategyContext({ lines, tmpRoot: root, overrides });
}

function secret(id: string, config: Partial<SecretConfig> = {}, value?: string | Buffer): SecretForInjection {
  const text = value ?? makeCanary('secret-mount');
  if (typeof text === 'string') canaries.push(text);
  return { id, config: secretConfigSchema.parse({ from: 'local', ref: id, ...config }), value: SecretValue.from(text) };
}

const srcOf = (arg: string): string => /src=([^,"]+)/.exec(arg)?.[1] ?? '';

beforeEach(async () => {
  root = await tempDir('bs-sm-test-');
  lines = [];
  canaries.length = 0;
});

afterEach(async () => {
  for (const c of canaries) expect(lines.join('\n')).not.toContain(c);
  await rm(root, { recursive: true, force: true });
});

describe('secretMountStrategy, source: file (default)', () => {
  it('writes each secret to a 0600 file in one 0700 directory and passes --secret id=…,src=…', async () => {
    const a = secret('npm_token');
    const b = secret('aws.creds');
    const injection = await secretMountStrategy().prepare([a, b], context());
    expect(injection.engineArgs).toHaveLength(4);
    expect(injection.engineArgs.filter((_, i) => i % 2 === 0)).toEqual(['--secret', '--secret']);
    expect(injection.engineArgs[1]).toMatch(/^id=npm_token,src=\//);
    expect(injection.engineArgs[3]).toMatch(/^id=aws\.creds,src=\//);
    expect(injection.env).toEqual({});
    const fileA = srcOf(injection.engineArgs[1]!);
    const dir = join(fileA, '..');
    expect(dir.startsWith(join(root, 'buildsecrets-'))).toBe(true);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(fileA)).mode & 0o777).toBe(0o600);
    expect(await readFile(fileA, 'utf8')).toBe(canaries[0]);
    expect(await readFile(srcOf(injection.engineArgs[3]!), 'utf8')).toBe(canaries[1]);
    await injection.dispose();
  });

  it('keeps binary values byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 0]);
    const injection = await secretMountStrategy().prepare([secret('bin', {}, bytes)], context());
    expect((await readFile(srcOf(injection.engineArgs[1]!))).equals(bytes)).toBe(true);
    await injection.dispose();
  });

  it('removes every file on dispose, and dispose can be called again', async () => {
    const injection = await secretMountStrategy().prepare([secret('a'), secret('b')], context());
    expect(await readdir(root)).toHaveLength(1);
    await injection.dispose();
    expect(await readdir(root)).toEqual([]);
    await injection.dispose();
    expect(await readdir(root)).toEqual([]);
  });

  it('quotes the --secret fields when the path holds a comma or a quote', async () => {
    root = join(root, 'odd,"dir');
    await (await import('node:fs/promises')).mkdir(root);
    const injection = await secretMountStrategy().prepare([secret('tok')], context());
    expect(injection.engineArgs[1]).toMatch(/^id=tok,"src=.*odd,""dir\/.*"$/);
    await injection.dispose();
  });

  it('quotes ids BuildKit accepts but CSV would split, and keeps their file names tame', async () => {
    const injection = await secretMountStrategy().prepare([secret('odd,id="x"/y'), secret('e,v', { source: 'env', env: 'E_V' })], context());
    expect(injection.engineArgs[1]).toMatch(/^"id=odd,id=""x""\/y",src=\/.*\/0-odd_id__x__y$/);
    expect(injection.engineArgs[3]).toBe('"id=e,v",env=E_V');
    const fields = parseCsvRecord(injection.engineArgs[1]!);
    expect(Array.isArray(fields) && fields[0]).toBe('id=odd,id="x"/y');
    const src = Array.isArray(fields) ? (fields[1] ?? '').replace(/^src=/, '') : '';
    expect(await readFile(src, 'utf8')).toBe(canaries[0]);
    await injection.dispose();
  });

  it('keeps values out of engineArgs, summary and logs', async () => {
    // The shared canary also arms the global log-canary hook for anything this process prints.
    const injection = await secretMountStrategy().prepare([secret('a', {}, CANARIES.other), secret('b', { source: 'env' })], context());
    const visible = JSON.stringify([injection.engineArgs, injection.summary, lines]);
    for (const c of canaries) expect(visible).not.toContain(c);
    expect(injection.summary).toHaveLength(2);
    await injection.dispose();
  });

  it('makes no directory when every secret comes from env, and cleans up when aborted', async () => {
    const env = await secretMountStrategy().prepare([secret('a', { source: 'env' })], context());
    expect(await readdir(root)).toEqual([]);
    await env.dispose();
    const controller = new AbortController();
    controller.abort();
    await expect(secretMountStrategy().prepare([secret('a')], context({ signal: controller.signal }))).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await readdir(root)).toEqual([]);
  });
});

describe('secretMountStrategy, source: env', () => {
  it('passes --secret id=…,env=BUILDSECRET_<ID> and the value only in env', async () => {
    const before = { ...process.env };
    const injection = await secretMountStrategy().prepare([secret('npm-token.v2', { source: 'env' }), secret('x', { source: 'env', env: 'MY_VAR' })], context());
    expect(injection.engineArgs).toEqual(['--secret', 'id=npm-token.v2,env=BUILDSECRET_NPM_TOKEN_V2', '--secret', 'id=x,env=MY_VAR']);
    expect(injection.env).toEqual({ BUILDSECRET_NPM_TOKEN_V2: canaries[0], MY_VAR: canaries[1] });
    expect(process.env).toEqual(before);
    await injection.dispose();
  });

  it('refuses two secrets sharing a variable, and variables the engine reads itself', () => {
    const strategy = secretMountStrategy();
    const s = (id: string, env?: string) => ({ id, config: secretConfigSchema.parse({ from: 'l', ref: 'r', source: 'env', ...(env ? { env } : {}) }) });
    expect(() => strategy.validate?.([s('a-b'), s('a_b')], context())).toThrow(StrategyRefusedError);
    expect(() => strategy.validate?.([s('a', 'DOCKER_HOST')], context())).toThrow(/DOCKER_HOST/);
    expect(() => strategy.validate?.([s('a', 'PATH')], context())).toThrow(StrategyRefusedError);
    expect(() => strategy.validate?.([s('a'), s('b')], context())).not.toThrow();
  });

  it('refuses values an environment variable cannot hold, without quoting them', async () => {
    const err = await secretMountStrategy().prepare([secret('nul', { source: 'env' }, 'abc\0def-canary')], context()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSecretError);
    expect(String((err as Error).message)).toContain('nul');
    expect(String((err as Error).stack)).not.toContain('def-canary');
    expect(await readdir(root)).toEqual([]);
  });
});
