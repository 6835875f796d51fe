import { describe, expect, it } from 'vitest';
import { SecretNotFoundError } from '@buildsecrets/core';
import { createTestContext } from '@buildsecrets/test-kit';
import { assertNoLeak } from './__fixtures__/harness.js';
import { gcpProvider } from './provider.js';

// The live variant: runs against real Google Secret Manager only when the user points it at a secret.
const env = process.env;
const live = Boolean(env['GOOGLE_APPLICATION_CREDENTIALS'] && env['BUILDSECRETS_LIVE_GCP_SECRET']);
if (!live) {
  console.log('[provider-gcp] live GCP test skipped: set GOOGLE_APPLICATION_CREDENTIALS and BUILDSECRETS_LIVE_GCP_SECRET (projects/<p>/secrets/<s>, or a short name with GOOGLE_CLOUD_PROJECT; optional BUILDSECRETS_LIVE_GCP_KEY) to run it');
}

describe('gcp provider against live Google Secret Manager', () => {
  it.skipIf(!live)('reads BUILDSECRETS_LIVE_GCP_SECRET with ADC (checksum verified); a missing one is not found; nothing leaks', async () => {
    const test = createTestContext({ instanceName: 'live-gcp' });
    const provider = await gcpProvider.create(gcpProvider.optionsSchema.parse(env['GOOGLE_CLOUD_PROJECT'] ? { projectId: env['GOOGLE_CLOUD_PROJECT'] } : {}), test.context);
    try {
      const ref = env['BUILDSECRETS_LIVE_GCP_SECRET'] ?? '';
      const key = env['BUILDSECRETS_LIVE_GCP_KEY'];
      const missingRef = ref.replace(/(secrets\/[^/]+).*$/, '$1') + `-buildsecrets-missing-${Date.now()}`;
      const [found, missing] = await provider.resolve([{ id: 'live', ref, ...(key ? { key } : {}) }, { id: 'missing', ref: missingRef }], new AbortController().signal);
      if (!found?.ok) throw found?.error ?? new Error('no result');
      expect(found.value.length).toBeGreaterThan(0);
      if (missing?.ok !== false) throw new Error('expected the made-up secret to fail');
      expect(missing.error).toBeInstanceOf(SecretNotFoundError);
      assertNoLeak([missing.error, ...test.logs], [found.value.revealString()].filter((n) => n.length >= 4));
    } finally {
      await provider.dispose();
    }
  });
});
