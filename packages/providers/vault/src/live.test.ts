import { describe, expect, it } from 'vitest';
import { testContext } from './__fixtures__/context.js';
import { expectNoLeak, resolveOne } from './__fixtures__/harness.js';
import vaultProvider from './index.js';

// The live variant: runs against a real Vault only when the user points it at one.
const env = process.env;
const live = Boolean(env['VAULT_ADDR'] && env['VAULT_TOKEN'] && env['BUILDSECRETS_LIVE_VAULT_PATH']);
if (!live) {
  console.log('[provider-vault] live Vault test skipped: set VAULT_ADDR, VAULT_TOKEN and BUILDSECRETS_LIVE_VAULT_PATH (a readable KV path; optional BUILDSECRETS_LIVE_VAULT_KEY, VAULT_NAMESPACE) to run it');
}

describe('vault provider against a live Vault', () => {
  it.skipIf(!live)('reads BUILDSECRETS_LIVE_VAULT_PATH with VAULT_TOKEN, and no log or error shows the value or token', async () => {
    const ctx = testContext({ VAULT_ADDR: env['VAULT_ADDR'], VAULT_TOKEN: env['VAULT_TOKEN'], VAULT_NAMESPACE: env['VAULT_NAMESPACE'], VAULT_CACERT: env['VAULT_CACERT'] });
    const provider = await vaultProvider.create(vaultProvider.optionsSchema.parse({}), ctx.context);
    try {
      const key = env['BUILDSECRETS_LIVE_VAULT_KEY'];
      const result = await resolveOne(provider, { ref: env['BUILDSECRETS_LIVE_VAULT_PATH'] ?? '', ...(key ? { key } : {}) });
      if (!result.ok) throw result.error;
      expect(result.value.length).toBeGreaterThan(0);
      const missing = await resolveOne(provider, { ref: `${env['BUILDSECRETS_LIVE_VAULT_PATH']}-buildsecrets-does-not-exist` });
      expect(missing.ok).toBe(false);
      expectNoLeak([result.value.revealString(), env['VAULT_TOKEN'] ?? ''], [missing], ctx.logs);
    } finally {
      await provider.dispose();
    }
  });
});
