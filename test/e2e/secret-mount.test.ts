import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import {
  secretConfigSchema, secretMountStrategy, SecretValue, type PreparedInjection, type SecretConfig, type SecretForInjection, type StrategyContext,
} from '@buildsecrets/core';
import { DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { testStrategyContext } from '../../packages/core/src/strategies/__fixtures__/test-strategy-context.js';
import { makeCanary } from '../setup/canary-values.js';
import { tempDir } from '../support/temp-dirs.js';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('./fixtures/secret-mount/', import.meta.url));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const freshValue = (): string => makeCanary('e2e-sm');

/** Run `docker build` with the injection the way the engine runner does: args appended, env for the child only. */
async function build(dockerfile: string, tag: string, injection: PreparedInjection): Promise<{ ok: boolean; output: string }> {
  const args = ['build', '--no-cache', '--progress=plain', ...E2E_BUILD_ARGS, ...injection.engineArgs, '-t', tag, '-f', join(FIXTURES, dockerfile), FIXTURES];
  try {
    const { stdout, stderr } = await run(DOCKER_BIN, args, { env: { ...process.env, ...E2E_ENV, DOCKER_BUILDKIT: '1', ...injection.env }, timeout: 180_000, maxBuffer: 1 << 24 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describeE2E('secret-mount strategy against a real BuildKit', () => {
  let root: string;
  let logs: string[];
  const images: string[] = [];

  const context = (): StrategyContext => testStrategyContext({ lines: logs, tmpRoot: root });
  const secret = (id: string, value: string, config: Partial<SecretConfig> = {}): SecretForInjection => ({
    id, config: secretConfigSchema.parse({ from: 'local', ref: id, ...config }), value: SecretValue.from(value),
  });
  const tag = (): string => {
    const name = `buildsecrets-e2e/secret-mount:${randomBytes(6).toString('hex')}`;
    images.push(name);
    return name;
  };

  beforeEach(async () => {
    root = await tempDir('bs-e2e-sm-root-');
    logs = [];
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  });

  it('hands a file-sourced and an env-sourced secret to RUN, leaves no value in the image and no file behind', async () => {
    const fileValue = freshValue();
    const envValue = freshValue();
    const image = tag();
    const injection = await secretMountStrategy().prepare([secret('file_tok', fileValue), secret('env_tok', envValue, { source: 'env' })], context());
    expect(injection.engineArgs.join(' ')).not.toContain(fileValue);
    expect(injection.engineArgs.join(' ')).not.toContain(envValue);
    expect(await readdir(root)).toHaveLength(1);

    const result = await build('Dockerfile', image, injection);
    await injection.dispose();
    expect(result.ok, result.output.slice(-2000)).toBe(true);

    expect(await readdir(root)).toEqual([]);
    const proof = await docker(['run', '--rm', '--network=host', image, 'cat', '/proof/file.sha256', '/proof/env.sha256']);
    expect(proof.trim().split('\n')).toEqual([sha256(fileValue), sha256(envValue)]);
    expect(await scanImage(image, { file_tok: fileValue, env_tok: envValue })).toEqual([]);
    const history = await docker(['history', '--no-trunc', image]);
    for (const value of [fileValue, envValue]) {
      expect(history).not.toContain(value);
      expect(result.output).not.toContain(value);
      expect(logs.join('\n')).not.toContain(value);
    }
    expect(process.env).not.toHaveProperty('BUILDSECRET_ENV_TOK');
  });

  it('quotes the --secret source so a temp path with a comma and a quote still works', async () => {
    root = join(root, 'odd,"root');
    await (await import('node:fs/promises')).mkdir(root);
    const fileValue = freshValue();
    const envValue = freshValue();
    const image = tag();
    const injection = await secretMountStrategy().prepare([secret('file_tok', fileValue), secret('env_tok', envValue, { source: 'env', env: 'ODD_VAR' })], context());
    const result = await build('Dockerfile', image, injection);
    await injection.dispose();
    expect(result.ok, result.output.slice(-2000)).toBe(true);
    expect(await readdir(root)).toEqual([]);
    const proof = await docker(['run', '--rm', '--network=host', image, 'cat', '/proof/file.sha256', '/proof/env.sha256']);
    expect(proof.trim().split('\n')).toEqual([sha256(fileValue), sha256(envValue)]);
  });

  it('a required mount the build was not given fails the build (what required=true buys)', async () => {
    const value = freshValue();
    const injection = await secretMountStrategy().prepare([secret('file_tok', value)], context());
    const result = await build('Dockerfile.missing', tag(), injection);
    await injection.dispose();
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/never_given/);
    expect(result.output).not.toContain(value);
    expect(await readdir(root)).toEqual([]);
  });
});
