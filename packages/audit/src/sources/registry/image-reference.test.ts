import { describe, expect, it } from 'vitest';
import { UsageError } from '@buildsecrets/base';
import { formatReference, parseImageReference } from './image-reference.js';

describe('parseImageReference (docker:// references, read like docker does)', () => {
  it.each([
    ['busybox', 'docker.io', 'registry-1.docker.io', 'library/busybox', 'latest', undefined],
    ['//busybox:1.36', 'docker.io', 'registry-1.docker.io', 'library/busybox', '1.36', undefined],
    ['user/app', 'docker.io', 'registry-1.docker.io', 'user/app', 'latest', undefined],
    ['index.docker.io/user/app:v1', 'docker.io', 'registry-1.docker.io', 'user/app', 'v1', undefined],
    ['localhost/app', 'localhost', 'localhost', 'app', 'latest', undefined],
    ['127.0.0.1:5000/team/app:v2', '127.0.0.1:5000', '127.0.0.1:5000', 'team/app', 'v2', undefined],
    ['ghcr.io/org/app/sub:tag-1.0', 'ghcr.io', 'ghcr.io', 'org/app/sub', 'tag-1.0', undefined],
    ['[::1]:5000/app', '[::1]:5000', '[::1]:5000', 'app', 'latest', undefined],
  ])('%s → registry %s, endpoint %s, repository %s, tag %s', (input, registry, endpoint, repository, tag, digest) => {
    expect(parseImageReference(input)).toEqual({ registry, endpoint, repository, tag, digest });
  });

  it('keeps a digest (and the tag next to it, which the digest overrides)', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`127.0.0.1:5000/app@${d}`)).toMatchObject({ tag: undefined, digest: d });
    expect(parseImageReference(`127.0.0.1:5000/app:v1@${d}`)).toMatchObject({ tag: 'v1', digest: d });
    expect(formatReference(parseImageReference(`127.0.0.1:5000/app:v1@${d}`))).toBe(`127.0.0.1:5000/app@${d}`);
    expect(formatReference(parseImageReference('busybox'))).toBe('docker.io/library/busybox:latest');
  });

  it.each(['', 'UPPER/case', 'app:bad tag', 'app@sha256:abc', 'app@md5:' + 'a'.repeat(32), 'host:99999999/app', 'a//b', '-lead/app'])('refuses %j with a usage error', (input) => {
    expect(() => parseImageReference(input)).toThrow(UsageError);
  });
});
