import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { absoluteBinary, containersBuildWatch } from './containers-watch.js';

describe('what the watchdog is told about a podman/buildah build', () => {
  const args = ['--secret', 'id=a,env=BS_A', '--secret=id=b,env=CONTAINERS_CONF', '--secret', 'id=c,src=/run/x', '-t', 'img'];
  const env = {
    BS_A: 'canary-watch-a',
    CONTAINERS_CONF: 'canary-watch-b',
    HOME: 'canary-watch-a',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    TMPDIR: '/tmp/run-1',
    CONTAINERS_STORAGE_CONF: '/etc/private-storage.conf',
    AWS_SECRET_ACCESS_KEY: 'canary-watch-aws',
  };

  it('holds no secret value: only storage variables, none named by an env= secret or equal to one', () => {
    const watch = containersBuildWatch('podman', 'podman', 'ab'.repeat(12), args, env);
    expect(watch.env).toEqual({ PATH: env.PATH, TMPDIR: '/tmp/run-1', CONTAINERS_STORAGE_CONF: '/etc/private-storage.conf' });
    expect(JSON.stringify(watch)).not.toContain('canary');
    expect(watch).toMatchObject({ runId: 'ab'.repeat(12), kind: 'podman', bundleDir: '/tmp/run-1' });
  });

  it('fingerprints each env= value by size and salted SHA-256, under one fresh salt per build', () => {
    const first = containersBuildWatch('podman', 'podman', 'ab'.repeat(12), args, env);
    const second = containersBuildWatch('podman', 'podman', 'ab'.repeat(12), args, env);
    expect(first.envCopies).toHaveLength(2);
    for (const [print, value] of first.envCopies.map((p, i) => [p, [env.BS_A, env.CONTAINERS_CONF][i]!] as const)) {
      expect(print.size).toBe(Buffer.byteLength(value));
      expect(print.salt).toMatch(/^[0-9a-f]{32}$/);
      expect(print.digest).toBe(createHash('sha256').update(Buffer.from(print.salt, 'hex')).update(value).digest('hex'));
    }
    expect(second.envCopies[0]?.salt).not.toBe(first.envCopies[0]?.salt);
  });

  it('gives the engine binary as an absolute path, found in the engine’s PATH; bundles default to /var/tmp', () => {
    expect(absoluteBinary('sh', '/nonexistent:/bin')).toBe('/bin/sh');
    expect(absoluteBinary('/opt/podman', '/bin')).toBe('/opt/podman');
    expect(containersBuildWatch('sh', 'buildah', 'cd'.repeat(12), [], { PATH: '/bin' })).toMatchObject({ binary: '/bin/sh', bundleDir: '/var/tmp', envCopies: [] });
  });
});
