import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envCopyFingerprint } from '../engine/adapters/containers-watch.js';
import type { ContainersBuildWatch, JanitorMessage } from './janitor.js';
import { JANITOR_PROGRAM } from './janitor-program.js';

// A fake engine: logs its argv and environment; `info` prints the fake graph root, `rm` removes containers.
const FAKE_ENGINE = `#!/bin/sh
echo "$*" >> "$FAKE_LOG"
env >> "$FAKE_LOG.env"
case "$1" in
  info) echo "$FAKE_ROOT" ;;
  rm) shift; [ "$1" = --force ] && shift; for id in "$@"; do rm -rf "$FAKE_ROOT/overlay-containers/$id"; done ;;
esac
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A parent that starts the janitor, sends `messages`, prints the janitor's pid and waits to be killed. */
function startParent(work: string, messages: readonly JanitorMessage[]): Promise<{ parent: ChildProcess; janitor: number }> {
  const script = `
    const { spawn } = require('node:child_process');
    const janitor = spawn(process.execPath, ['-e', ${JSON.stringify(JANITOR_PROGRAM)}], { stdio: ['pipe', 'ignore', 'inherit'], detached: true, env: {} });
    for (const m of ${JSON.stringify(messages)}) janitor.stdin.write(JSON.stringify(m) + '\\n');
    process.stdout.write(String(janitor.pid) + '\\n');
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', script], { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => parent.stdout!.once('data', (c: Buffer) => resolve({ parent, janitor: Number(c.toString().trim()) })));
}

describe('the janitor finishes a podman/buildah build after its parent was killed outright', () => {
  let work = '';
  const shm: string[] = [];
  const servers: Server[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const server of servers.splice(0)) server.close();
    for (const file of shm.splice(0)) await rm(file, { force: true });
    await rm(work, { recursive: true, force: true });
  });

  /** A fake graph root with this run's working container and another run's, bundles, ssh socket dirs and /dev/shm copies. */
  async function scene(value: string, envValue: string) {
    work = await mkdtemp(join(tmpdir(), 'bs-janitor-containers-'));
    const root = join(work, 'storage');
    const bundles = join(work, 'tmp');
    const runId = randomBytes(12).toString('hex');
    const ours = randomBytes(32).toString('hex');
    const theirs = randomBytes(32).toString('hex');
    for (const [id, marker] of [[ours, runId], [theirs, randomBytes(12).toString('hex')]] as const) {
      const userdata = join(root, 'overlay-containers', id, 'userdata');
      await mkdir(join(userdata, 'secrets'), { recursive: true });
      await writeFile(join(userdata, 'buildah.json'), JSON.stringify({ Args: { BUILDSECRETS_RUN_ID: marker, NONCE: '1' } }));
      await writeFile(join(userdata, 'secrets', 'file_secret'), value);
      const bundle = join(bundles, `buildah${id === ours ? 111 : 222}`);
      await mkdir(bundle, { recursive: true });
      await writeFile(join(bundle, 'hostname'), id.slice(0, 12));
      await writeFile(join(bundle, 'config.json'), '{"process":{"env":["NONCE=1"]}}');
    }
    await mkdir(join(bundles, '.buildah-ssh-sock1'));
    await mkdir(join(bundles, '.buildah-ssh-sock2'));
    const live = createServer().listen(join(bundles, '.buildah-ssh-sock2', 'ssh_auth_sock'));
    servers.push(live);
    await new Promise((r) => live.once('listening', r));
    // The engine's /dev/shm copy of the env value; another build's copy of the same size; a symlink to a copy.
    const digits = () => String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    const copy = join('/dev/shm', `buildah${digits()}`);
    const other = join('/dev/shm', `buildah${digits()}1`);
    const link = join('/dev/shm', `buildah${digits()}2`);
    const linked = join(work, 'linked');
    shm.push(copy, other, link);
    await writeFile(copy, envValue);
    await chmod(copy, 0o400);
    await writeFile(other, 'x'.repeat(Buffer.byteLength(envValue)));
    await writeFile(linked, envValue);
    await symlink(linked, link);
    // A RUN step: a process in its own mount namespace with this run's secret copy mounted.
    const target = join(work, 'target');
    await writeFile(target, '');
    const step = spawn('unshare', ['-m', 'sh', '-c', `mount --bind "$0" "$1" && exec sleep 60`, join(root, 'overlay-containers', ours, 'userdata', 'secrets', 'file_secret'), target], { stdio: 'ignore', detached: true });
    children.push(step);
    const engine = join(work, 'fake-engine');
    await writeFile(engine, FAKE_ENGINE, { mode: 0o755 });
    const log = join(work, 'engine.log');
    const watch: ContainersBuildWatch = {
      runId,
      kind: 'podman',
      binary: engine,
      env: { PATH: '/usr/bin:/bin', FAKE_ROOT: root, FAKE_LOG: log },
      bundleDir: bundles,
      envCopies: [envCopyFingerprint(envValue, randomBytes(16))],
    };
    await expect.poll(async () => (await readFile(`/proc/${step.pid}/mountinfo`, 'utf8').catch(() => '')).includes(ours), { timeout: 5_000 }).toBe(true);
    return { root, bundles, ours, theirs, copy, other, link, linked, step, log, watch };
  }

  it('kills the RUN step, shreds and removes only its run’s containers and bundles, the dead ssh socket dir and the matching /dev/shm copy', async () => {
    const value = `canary-janitor-file-${randomBytes(8).toString('hex')}`;
    const envValue = `canary-janitor-env-${randomBytes(8).toString('hex')}`;
    const s = await scene(value, envValue);
    const { parent, janitor } = await startParent(work, [{ op: 'containers', value: s.watch }]);
    await new Promise((r) => setTimeout(r, 300));
    parent.kill('SIGKILL');
    await expect.poll(() => alive(janitor), { timeout: 10_000, interval: 50 }).toBe(false);

    expect(alive(s.step.pid!)).toBe(false);
    expect(existsSync(join(s.root, 'overlay-containers', s.ours))).toBe(false);
    expect(existsSync(join(s.bundles, 'buildah111'))).toBe(false);
    expect(existsSync(join(s.bundles, '.buildah-ssh-sock1'))).toBe(false);
    expect(existsSync(s.copy)).toBe(false);
    // Another run's container, bundle and copy, a live proxy socket and a symlink are left alone.
    expect(await readFile(join(s.root, 'overlay-containers', s.theirs, 'userdata', 'secrets', 'file_secret'), 'utf8')).toBe(value);
    expect(existsSync(join(s.bundles, 'buildah222'))).toBe(true);
    expect(existsSync(join(s.bundles, '.buildah-ssh-sock2', 'ssh_auth_sock'))).toBe(true);
    expect(existsSync(s.other)).toBe(true);
    expect((await lstat(s.link)).isSymbolicLink()).toBe(true);
    expect(await readFile(s.linked, 'utf8')).toBe(envValue);
    // The engine was asked for its graph root and to remove exactly this run's container, with the storage variables only.
    expect((await readFile(s.log, 'utf8')).trim().split('\n')).toEqual(['info --format {{.Store.GraphRoot}}', `rm --force ${s.ours}`]);
    const engineEnv = await readFile(`${s.log}.env`, 'utf8');
    expect(engineEnv).not.toContain('canary');
    expect(JSON.stringify(s.watch)).not.toContain(envValue);
  }, 20_000);

  it('a build unregistered after its in-process clean-up is left alone', async () => {
    const s = await scene('canary-janitor-kept', 'canary-janitor-kept-env');
    const { parent, janitor } = await startParent(work, [{ op: 'containers', value: s.watch }, { op: 'uncontainers', value: s.watch.runId }]);
    await new Promise((r) => setTimeout(r, 300));
    parent.kill('SIGKILL');
    await expect.poll(() => alive(janitor), { timeout: 10_000, interval: 50 }).toBe(false);
    expect(alive(s.step.pid!)).toBe(true);
    expect(existsSync(join(s.root, 'overlay-containers', s.ours, 'userdata', 'secrets', 'file_secret'))).toBe(true);
    expect(existsSync(s.copy)).toBe(true);
    expect(existsSync(s.log)).toBe(false);
  }, 20_000);
});
