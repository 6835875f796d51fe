import { describe, expect, it } from 'vitest';
import { SecretNotFoundError } from '@buildsecrets/core';
import { createTestContext } from '@buildsecrets/test-kit';
import { assertNoLeak } from './__fixtures__/harness.js';
import { awsProvider } from './provider.js';

// The live variant: runs against real AWS Secrets Manager only when the user points it at a secret.
const env = process.env;
const hasCredentials = Boolean((env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) || env['AWS_PROFILE']);
const live = Boolean((env['AWS_REGION'] || env['AWS_DEFAULT_REGION']) && hasCredentials && env['BUILDSECRETS_LIVE_AWS_SECRET']);
if (!live) {
  console.log('[provider-aws] live AWS test skipped: set AWS_REGION, credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and BUILDSECRETS_LIVE_AWS_SECRET (a readable secret name or ARN; optional BUILDSECRETS_LIVE_AWS_KEY) to run it');
}

describe('aws provider against live AWS Secrets Manager', () => {
  it.skipIf(!live)('reads BUILDSECRETS_LIVE_AWS_SECRET with the default credential chain; a missing one is not found; nothing leaks', async () => {
    const test = createTestContext({ instanceName: 'live-aws' });
    const provider = await awsProvider.create({}, test.context);
    try {
      const ref = env['BUILDSECRETS_LIVE_AWS_SECRET'] ?? '';
      const key = env['BUILDSECRETS_LIVE_AWS_KEY'];
      const [found, missing] = await provider.resolve(
        [{ id: 'live', ref, ...(key ? { key } : {}) }, { id: 'missing', ref: `${ref.startsWith('arn:') ? 'buildsecrets' : ref}-does-not-exist-${Date.now()}` }],
        new AbortController().signal,
      );
      if (!found?.ok) throw found?.error ?? new Error('no result');
      expect(found.value.length).toBeGreaterThan(0);
      if (missing?.ok !== false) throw new Error('expected the made-up secret to fail');
      expect(missing.error).toBeInstanceOf(SecretNotFoundError);
      assertNoLeak([missing.error, ...test.logs], [found.value.revealString(), env['AWS_SECRET_ACCESS_KEY'] ?? 'unset-secret-key'].filter((n) => n.length >= 4));
    } finally {
      await provider.dispose();
    }
  });
});
