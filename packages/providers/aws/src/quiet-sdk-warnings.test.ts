import { describe, expect, it } from 'vitest';
import { silentLogger } from '@buildsecrets/core';
import { runChild } from './__fixtures__/run-child.js';
import { withSdkNodeWarningAsDebug } from './quiet-sdk-warnings.js';

const major = Number(process.versions.node.split('.')[0]);
const ENV = { AWS_EC2_METADATA_DISABLED: 'true' };

describe('the AWS SDK Node-version notice', () => {
  it('reaches the logger once at debug level and never stderr, while other warnings still print', async () => {
    const { stdout, stderr } = await runChild('./sdk-warning-script.ts', [], ENV);
    const lines = JSON.parse(stdout) as string[];
    expect(stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
    expect(stderr).toContain('an unrelated warning stays visible');
    const notices = lines.filter((l) => l.includes('AWS SDK notice'));
    expect(notices.length).toBe(major < 22 ? 1 : 0);
    expect(notices.every((l) => l.startsWith('debug: '))).toBe(true);
  });

  it('is really printed by this SDK on Node < 22 when not diverted (the control for the case above)', async () => {
    const { stderr } = await runChild('./sdk-warning-script.ts', ['raw'], ENV);
    expect(stderr.includes('NodeVersionSupportWarning')).toBe(major < 22);
  });

  it('restores process.emitWarning even when client construction throws', () => {
    const original = process.emitWarning;
    expect(() => withSdkNodeWarningAsDebug(silentLogger, () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(process.emitWarning).toBe(original);
  });
});
