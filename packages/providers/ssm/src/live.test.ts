import { describe, expect, it } from 'vitest';
import { SecretNotFoundError } from '@buildsecrets/core';
import { createTestContext } from '@buildsecrets/test-kit';
import { ssmProvider } from './provider.js';

// The live variant: runs against real SSM Parameter Store only when the user points it at a parameter.
const env = process.env;
const hasCredentials = Boolean((env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) || env['AWS_PROFILE']);
const live = Boolean((env['AWS_REGION'] || env['AWS_DEFAULT_REGION']) && hasCredentials && env['BUILDSECRETS_LIVE_SSM_PARAMETER']);
if (!live) {
  console.log('[provider-ssm] live test skipped: set AWS_REGION, credentials and BUILDSECRETS_LIVE_SSM_PARAMETER (a readable parameter name) to run it');
}

describe('ssm provider against live SSM Parameter Store', () => {
  it.skipIf(!live)('reads BUILDSECRETS_LIVE_SSM_PARAMETER with the default chain in one call; a missing one is not found; nothing leaks', async () => {
    const test = createTestContext({ instanceName: 'live-ssm' });
    const provider = await ssmProvider.create({}, test.context);
    try {
      const ref = env['BUILDSECRETS_LIVE_SSM_PARAMETER'] ?? '';
      const [found, missing] = await provider.resolve([{ id: 'live', ref }, { id: 'missing', ref: `${ref}-does-not-exist-${Date.now()}` }], new AbortController().signal);
      if (!found?.ok) throw found?.error ?? new Error('no result');
      expect(found.value.length).toBeGreaterThan(0);
      if (missing?.ok !== false) throw new Error('expected the made-up parameter to fail');
      expect(missing.error).toBeInstanceOf(SecretNotFoundError);
      expect(`${missing.error.message}\n${String(missing.error.stack)}\n${test.logs.join('\n')}`.includes(found.value.revealString())).toBe(false);
    } finally {
      await provider.dispose();
    }
  });
});
