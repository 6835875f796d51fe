import { describe, expect, it } from 'vitest';
import { runChild } from './__fixtures__/run-child.js';

async function loaded(mode: 'none' | 'aws' | 'gcp'): Promise<{ aws: boolean; gcp: boolean }> {
  const { stdout } = await runChild('./lazy-load-script.ts', [mode], { AWS_EC2_METADATA_DISABLED: 'true' });
  return JSON.parse(stdout) as { aws: boolean; gcp: boolean };
}

describe('cloud SDKs load lazily', () => {
  it('loads neither SDK for a run that imports core and both provider packages but uses only an env-like provider', async () => {
    expect(await loaded('none')).toEqual({ aws: false, gcp: false });
  });

  it('loads the AWS SDK once an aws provider is created, and only it (proves the detection works)', async () => {
    expect(await loaded('aws')).toEqual({ aws: true, gcp: false });
  });

  it('loads the Google client once a gcp provider is created, and only it', async () => {
    expect(await loaded('gcp')).toEqual({ aws: false, gcp: true });
  });
});
