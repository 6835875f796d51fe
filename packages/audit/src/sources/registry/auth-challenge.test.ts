import { describe, expect, it } from 'vitest';
import { parseChallenges } from './auth-challenge.js';

describe('parseChallenges (WWW-Authenticate)', () => {
  it('reads a bearer challenge with realm, service and scope', () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
  });
  it('reads basic, unquoted values, escapes and several challenges in one header', () => {
    expect(parseChallenges('Basic realm="my \\"reg\\"", Bearer realm=https://t/x,error=insufficient_scope')).toEqual([
      { scheme: 'basic', params: { realm: 'my "reg"' } },
      { scheme: 'bearer', params: { realm: 'https://t/x', error: 'insufficient_scope' } },
    ]);
    expect(parseChallenges(['Basic realm="a"', 'Bearer realm="b"']).map((c) => c.scheme)).toEqual(['basic', 'bearer']);
  });
  it('returns nothing for a missing or empty header', () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
  });
});
