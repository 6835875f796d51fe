import { describe, expect, it } from 'vitest';
import { buildPatterns } from '@buildsecrets/audit';

describe('a rendered template in the audit', () => {
  it('is searched whole (raw and encoded), not line by line: its lines are mostly literal text', () => {
    const rendered = '[default]\naws_access_key_id = AKIAEXAMPLE0001\naws_secret_access_key = s3cr3t-value-123\n';
    const { patterns } = buildPatterns([{ id: 'aws_credentials', value: rendered, lines: false }, { id: 'aws_secret', value: 's3cr3t-value-123' }]);
    expect(patterns.filter((p) => p.encoding === 'line')).toEqual([]);
    expect(patterns.some((p) => p.secretId === 'aws_credentials' && p.encoding === 'raw')).toBe(true);
    expect(patterns.some((p) => p.secretId === 'aws_credentials' && p.encoding === 'base64')).toBe(true);
    // The embedded value is its own source, found on its own.
    expect(patterns.some((p) => p.secretId === 'aws_secret' && p.bytes.toString() === 's3cr3t-value-123')).toBe(true);
  });
});
