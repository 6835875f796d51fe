import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envSecretValues, removeEnvSecretCopies } from './env-secret-copies.js';

const dir = mkdtempSync(join(tmpdir(), 'bs-env-copies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('envSecretValues', () => {
  it('reads the value of every --secret …,env=NAME argument from the engine environment, in both argument forms', () => {
    const args = ['--secret', 'id=a,env=BS_A', '--secret=id=b,env=BS_B', '--secret', 'id=c,src=/dev/shm/x', '--build-arg', 'env=BS_C', '--secret', 'id=d,env=BS_MISSING'];
    expect(envSecretValues(args, { BS_A: 'value-a', BS_B: 'value-b', BS_C: 'not-a-secret-arg' })).toEqual(['value-a', 'value-b']);
  });
});

describe('removeEnvSecretCopies (what podman/buildah leave in /dev/shm when stopped mid-step)', () => {
  it("removes exactly the engine's copies holding this run's values, and no other file", async () => {
    const value = 'env-secret-value-7f3a9c';
    const copy = join(dir, 'buildah123456');
    writeFileSync(copy, value);
    chmodSync(copy, 0o400);
    const otherBuild = join(dir, 'buildah222');
    writeFileSync(otherBuild, 'another-builds-value-00');
    const notTheEngines = join(dir, 'mine-123');
    writeFileSync(notTheEngines, value);
    const longer = join(dir, 'buildah333');
    writeFileSync(longer, `${value}\n`);
    const target = join(dir, 'target');
    writeFileSync(target, value);
    const link = join(dir, 'buildah444');
    symlinkSync(target, link);

    expect(await removeEnvSecretCopies([value], dir)).toEqual([copy]);
    expect(existsSync(copy)).toBe(false);
    for (const kept of [otherBuild, notTheEngines, longer, link]) expect(existsSync(kept)).toBe(true);
    // The symlink was not followed: its target still holds what it held.
    expect(readFileSync(target, 'utf8')).toBe(value);
  });

  it('does nothing without values, and never throws on a missing directory', async () => {
    expect(await removeEnvSecretCopies([], dir)).toEqual([]);
    expect(await removeEnvSecretCopies(['x'.repeat(20)], join(dir, 'no-such-dir'))).toEqual([]);
  });
});
