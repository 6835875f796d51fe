import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { createBuildSecrets, type BuildSecrets } from '@buildsecrets/core';
import vaultProvider from '@buildsecrets/provider-vault';
import { startVaultTestServer, type VaultTestServer } from '@buildsecrets/test-kit';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from './support/engine.js';
import { makeCanary } from '../setup/canary-values.js';

const HERE = fileURLToPath(new URL('./fixtures/target-scope/', import.meta.url));
const TEST_VALUE = makeCanary('target-test');
const RELEASE_VALUE = makeCanary('target-release');
const images: string[] = [];
let vault: VaultTestServer;
let bs: BuildSecrets | undefined;
let logs: string[];

async function open(): Promise<BuildSecrets> {
  bs = await createBuildSecrets({
    config: {
      version: 1,
      providers: { vault: { use: 'vault', options: { address: vault.url, auth: { method: 'token', token: vault.rootToken } } } },
      secrets: {
        test_token: { from: 'vault', ref: 'secret/ci/test', key: 'token' },
        release_token: { from: 'vault', ref: 'secret/ci/release', key: 'token' },
      },
    },
    cwd: HERE,
    env: { ...process.env, ...E2E_ENV },
    providers: { vault: vaultProvider },
    log: (line) => logs.push(line),
  });
  return bs;
}

const fetched = (): string[] => vault.requests.filter((r) => r.path.startsWith('secret/data/')).map((r) => r.path);

async function build(image: string, extra: readonly string[]): Promise<string> {
  images.push(image);
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const result = await (await open()).build({ context: HERE, docker: DOCKER_BIN, output, engineArgs: [...E2E_BUILD_ARGS, '--no-cache', '-t', image, ...extra] });
  expect(result.exitCode).toBe(0);
  return text + logs.join('\n');
}

describeE2E('target-scoped resolution: a build fetches only what its stages use (real BuildKit, Vault test server)', () => {
  beforeEach(async () => {
    logs = [];
    vault = await startVaultTestServer();
    vault.kv2('secret').put('ci/test', { token: TEST_VALUE });
    vault.kv2('secret').put('ci/release', { token: RELEASE_VALUE });
  });
  afterEach(async () => {
    await bs?.dispose();
    bs = undefined;
    await vault.close();
  });
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  }, 60_000);

  it('--target test fetches test_token only; release_token is never requested from Vault', async () => {
    const image = `bs-e2e-target-test:${process.pid}`;
    const out = await build(image, ['--target', 'test']);
    expect(fetched()).toEqual(['secret/data/ci/test']);
    expect(logs.join('\n')).toContain('not needed by target test (not fetched): release_token');
    expect(out).not.toContain(TEST_VALUE);
  }, 120_000);

  it('the default (last) stage fetches release_token only', async () => {
    const image = `bs-e2e-target-final:${process.pid}`;
    const out = await build(image, []);
    expect(fetched()).toEqual(['secret/data/ci/release']);
    expect(out).not.toContain(RELEASE_VALUE);
  }, 120_000);

  it('plan lists the other stage\'s secret as not needed, and contacts nothing', async () => {
    const plan = await (await open()).plan({ context: HERE, target: 'test' });
    expect(plan.notNeeded).toEqual(['release_token']);
    expect(plan.target).toBe('test');
    expect(vault.requests).toEqual([]);
  });

  it('an unknown --target stops the build before anything is fetched (exit 2 class: UsageError)', async () => {
    await expect((await open()).build({ context: HERE, docker: DOCKER_BIN, engineArgs: [...E2E_BUILD_ARGS, '--target', 'nope'] })).rejects.toMatchObject({ code: 'USAGE' });
    expect(vault.requests).toEqual([]);
  });
});
