import { ProviderUnavailableError } from '@buildsecrets/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts, type TestCerts } from './__fixtures__/certs.js';
import { errorOf, resolveOne, startHarness, valueOf, type Harness } from './__fixtures__/harness.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = `npm_${makeCanary('tls')}`;
let certs: TestCerts;
let h: Harness | undefined;

beforeAll(async () => {
  certs = await makeTestCerts();
});
afterAll(async () => {
  await certs.remove();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function tlsHarness(mutual = false): Promise<Harness> {
  h = await startHarness({ tls: { key: certs.pem.serverKey, cert: certs.pem.serverCert, ...(mutual ? { ca: certs.pem.ca } : {}) } });
  h.vault.kv2('secret').put('ci/npm', { token: CANARY });
  return h;
}

describe('TLS', () => {
  it('verifies Vault against caCert', async () => {
    const { provider, ctx } = await (await tlsHarness()).provider({ caCert: certs.files.ca });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
    expect(ctx.logs).toEqual([]);
  });

  it('takes the CA from VAULT_CACERT', async () => {
    const { provider } = await (await tlsHarness()).provider({}, { VAULT_CACERT: certs.files.ca });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
  });

  it('refuses an unknown CA with a non-retryable error that points at caCert', async () => {
    const { provider } = await (await tlsHarness()).provider();
    const error = errorOf(await resolveOne(provider, { ref: 'secret/ci/npm' }));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('TLS with Vault at https://127.0.0.1:');
    expect(error.hint).toContain('caCert');
  });

  it('connects without verification only with tlsSkipVerify, and warns', async () => {
    const { provider, ctx } = await (await tlsHarness()).provider({ tlsSkipVerify: true });
    expect(valueOf(await resolveOne(provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
    expect(ctx.logs.join('\n')).toContain('NOT verified');
  });

  it('presents clientCert/clientKey for mutual TLS', async () => {
    const harness = await tlsHarness(true);
    const withCert = await harness.provider({ caCert: certs.files.ca, clientCert: certs.files.clientCert, clientKey: certs.files.clientKey });
    expect(valueOf(await resolveOne(withCert.provider, { ref: 'secret/ci/npm', key: 'token' }))).toBe(CANARY);
    const without = await harness.provider({ caCert: certs.files.ca });
    expect(errorOf(await resolveOne(without.provider, { ref: 'secret/ci/npm' }))).toBeInstanceOf(ProviderUnavailableError);
  });
});
