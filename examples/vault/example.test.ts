import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createBuildSecrets, SecretsUnresolvedError, type BuildSecrets } from '@buildsecrets/core';
import vaultProvider from '@buildsecrets/provider-vault';
import { startVaultTestServer, type VaultTestServer } from '@buildsecrets/test-kit';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE_IMAGE, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from '../../test/e2e/support/engine.js';
import { scanImage } from '../../test/e2e/support/scan-image.js';
import { makeCanary } from '../../test/setup/canary-values.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TOKEN = `npm_${makeCanary('example-vault')}`;
const ROLE_ID = 'ci-builder';
const SECRET_ID = makeCanary('approle-secret-id');

let vault: VaultTestServer;
let bs: BuildSecrets | undefined;
let logs: string[];

async function open(secretId = SECRET_ID, extraEnv: Record<string, string> = {}): Promise<BuildSecrets> {
  bs = await createBuildSecrets({
    configPath: `${HERE}buildsecrets.yaml`,
    cwd: HERE,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], VAULT_ADDR: vault.url, VAULT_ROLE_ID: ROLE_ID, VAULT_SECRET_ID: secretId, ...extraEnv },
    providers: { vault: vaultProvider },
    log: (line) => logs.push(line),
    logLevel: 'debug',
  });
  return bs;
}

beforeEach(async () => {
  logs = [];
  vault = await startVaultTestServer();
  vault.kv2('secret').put('ci/npm', { token: TOKEN, registry: 'registry.npmjs.org' });
  vault.enableAppRole({ roleId: ROLE_ID, secretId: SECRET_ID, allow: ['secret/data/ci/'] });
});
afterEach(async () => {
  await bs?.dispose();
  bs = undefined;
  await vault.close();
});

describe('examples/vault against the Vault test server', () => {
  it('plans the npm token from Vault, cross-checked with the Dockerfile, without contacting Vault', async () => {
    const plan = await (await open()).plan({ dockerfile: `${HERE}Dockerfile`, context: HERE });
    expect(plan.secrets).toEqual([expect.objectContaining({ id: 'npm_token', provider: 'ci-vault', use: 'vault', ref: 'secret/ci/npm', key: 'token', inject: 'secret-mount' })]);
    expect(plan.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(vault.requests).toEqual([]);
  });

  it('resolves the token with one AppRole login and prints neither the token nor the secret id', async () => {
    const values = await (await open()).resolve();
    expect(values.get('npm_token')?.revealString()).toBe(TOKEN);
    expect(vault.count({ path: 'auth/approle/login' })).toBe(1);
    expect(vault.count({ path: 'secret/data/ci/npm' })).toBe(1);
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(logs.join('\n')).not.toContain(SECRET_ID);
  });

  it('fails closed with the login error when the AppRole secret id is wrong, quoting no credential', async () => {
    const wrong = 'CANARY-wrong-secret-id-5a';
    const error = await (await open(wrong)).resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsUnresolvedError);
    const text = `${(error as Error).message}\n${String((error as Error).stack)}\n${logs.join('\n')}`;
    expect(text).toContain('npm_token');
    expect(text).toContain('approle login at auth/approle');
    for (const canary of [wrong, SECRET_ID, TOKEN]) expect(text).not.toContain(canary);
  });
});

describeE2E('examples/vault built with BuildKit', () => {
  const image = `bs-example-vault:${process.pid}`;
  afterAll(async () => {
    await docker(['rmi', '-f', image]).catch(() => undefined);
  });

  it('hands the token to the RUN step only: the step proves it by hash, the image holds no trace', async () => {
    const instance = await open(SECRET_ID, { ...E2E_ENV });
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    const result = await instance.build({
      context: HERE,
      dockerfile: `${HERE}Dockerfile`,
      docker: DOCKER_BIN,
      output,
      engineArgs: [...E2E_BUILD_ARGS, '--no-cache', '-t', image, '--build-arg', `BASE_IMAGE=${BASE_IMAGE}`],
    });
    expect(result.exitCode, printed).toBe(0);
    const expected = createHash('sha256').update(`//registry.npmjs.org/:_authToken=${TOKEN}\n`).digest('hex');
    expect((await docker(['run', '--rm', '--network=host', image])).trim()).toBe(expected);
    expect(await scanImage(image, { npm_token: TOKEN })).toEqual([]);
    expect([printed, ...logs, result.command.join(' ')].join('\n')).not.toContain(TOKEN);
  });
});
