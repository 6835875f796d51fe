import { describe, expect, it } from 'vitest';
import { objectContext, objectKey, parseContextString, parseSneakerPath } from './sneaker-path.js';

describe('SNEAKER_S3_PATH and keys, as Sneaker reads them', () => {
  it('takes the host as bucket and the path without one leading slash as prefix', () => {
    expect(parseSneakerPath('s3://bucket/prod/')).toEqual({ bucket: 'bucket', prefix: 'prod/' });
    expect(parseSneakerPath('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseSneakerPath('https://bucket/x')).toBeUndefined();
    expect(parseSneakerPath('s3://bucket/x?y=1')).toBeUndefined();
    expect(parseSneakerPath('not a url')).toBeUndefined();
  });

  it('joins prefix and path like Go path.Join: cleaned, no trailing slash', () => {
    expect(objectKey('prod/', 'db/password')).toBe('prod/db/password');
    expect(objectKey('prod', 'db/password')).toBe('prod/db/password');
    expect(objectKey('', 'x')).toBe('x');
    expect(objectKey('a//b/', './c/')).toBe('a/b/c');
  });

  it('adds Path = s3://bucket/key to the master context', () => {
    expect(objectContext({ env: 'prod' }, { bucket: 'b', prefix: 'p/' }, 'p/x')).toEqual({ env: 'prod', Path: 's3://b/p/x' });
  });

  it('parses k1=v1,k2=v2, splitting each pair at its first "="', () => {
    expect(parseContextString('')).toEqual({ ok: true, context: {} });
    expect(parseContextString('a=1,b=x=y,c=')).toEqual({ ok: true, context: { a: '1', b: 'x=y', c: '' } });
    expect(parseContextString('a=1,oops')).toEqual({ ok: false, part: 'oops' });
  });
});
