import { describe, expect, it } from 'vitest';
import { parseRef, versionName } from './parse-ref.js';

describe('parseRef', () => {
  it('reads a short name with latest as the default version', () => {
    expect(parseRef('api-key', undefined)).toEqual({ project: undefined, location: undefined, secret: 'api-key', version: 'latest' });
  });

  it('reads full global and regional names with a version', () => {
    expect(parseRef('projects/p1/secrets/s/versions/4', undefined)).toEqual({ project: 'p1', location: undefined, secret: 's', version: '4' });
    expect(parseRef('projects/p1/locations/us-east1/secrets/s', '7')).toEqual({ project: 'p1', location: 'us-east1', secret: 's', version: '7' });
  });

  it('rejects contradictions and garbage with a reason', () => {
    expect(parseRef('projects/p/secrets/s/versions/1', '2')).toHaveProperty('invalid');
    expect(parseRef('a/b', undefined)).toHaveProperty('invalid');
    expect(parseRef('s', '0')).toHaveProperty('invalid');
  });

  it('builds version names, applying the default location only to short names', () => {
    const short = parseRef('s', undefined);
    const full = parseRef('projects/p/secrets/s', undefined);
    if ('invalid' in short || 'invalid' in full) throw new Error('unexpected');
    expect(versionName(short, 'proj', 'eu')).toBe('projects/proj/locations/eu/secrets/s/versions/latest');
    expect(versionName(full, 'proj', 'eu')).toBe('projects/p/secrets/s/versions/latest');
  });
});
