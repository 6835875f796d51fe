import { describe, expect, it } from 'vitest';
import { SecretNotFoundError } from '@buildsecrets/core';
import { createTestContext } from '@buildsecrets/test-kit';
import { errorSurface } from './__fixtures__/harness.js';
import { sneakerProvider } from './provider.js';

// The live variant: runs against a real Sneaker bucket and KMS only when the user points it at a secret.
const env = process.env;
const hasCredentials = Boolean((env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) || env['AWS_PROFILE']);
const live = Boolean(env['SNEAKER_S3_PATH'] && hasCredentials && env['BUILDSECRETS_LIVE_SNEAKER_SECRET']);
if (!live) {
  console.log('[provider-sneaker] live test skipped: set SNEAKER_S3_PATH (and SNEAKER_REGION / SNEAKER_MASTER_CONTEXT as for sneaker), credentials and BUILDSECRETS_LIVE_SNEAKER_SECRET (a path `sneaker ls` shows) to run it');
}

describe('sneaker provider against a live Sneaker bucket', () => {
  it.skipIf(!live)('reads BUILDSECRETS_LIVE_SNEAKER_SECRET with Sneaker\'s own variables; a missing path is not found; nothing leaks', async () => {
    const test = createTestContext({ instanceName: 'live-sneaker', env });
    const provider = await sneakerProvider.create({}, test.context);
    try {
      const ref = env['BUILDSECRETS_LIVE_SNEAKER_SECRET'] ?? '';
      const [found, missing] = await provider.resolve([{ id: 'live', ref }, { id: 'missing', ref: `${ref}-does-not-exist-${Date.now()}` }], new AbortController().signal);
      if (!found?.ok) throw found?.error ?? new Error('no result');
      expect(found.value.length).toBeGreaterThan(0);
      if (missing?.ok !== false) throw new Error('expected the made-up path to fail');
      expect(missing.error).toBeInstanceOf(SecretNotFoundError);
      const surface = errorSurface(missing.error) + test.logs.join('\n');
      expect(surface.includes(found.value.revealString())).toBe(false);
    } finally {
      await provider.dispose();
    }
  });
});
