import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDeadSshSocketDirs } from './containers-leftovers.js';

const base = mkdtempSync(join(tmpdir(), 'bs-ssh-dirs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A unix socket whose server was killed (SIGKILL: the socket file stays, nothing answers). */
async function deadSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('removeDeadSshSocketDirs (what podman/buildah leave for --ssh when stopped mid-step)', () => {
  it('removes the proxy socket directories whose socket is dead, and keeps a live one, one holding anything else, and other names', async () => {
    const dead = join(base, '.buildah-ssh-sock111');
    mkdirSync(dead);
    await deadSocket(join(dead, 'ssh_auth_sock'));
    const live = join(base, '.buildah-ssh-sock222');
    mkdirSync(live);
    const server: Server = createServer().listen(join(live, 'ssh_auth_sock'));
    await new Promise((resolve) => server.once('listening', resolve));
    const other = join(base, '.buildah-ssh-sock333');
    mkdirSync(other);
    writeFileSync(join(other, 'notes'), 'not a socket dir');
    const unrelated = join(base, 'buildah-ssh-sock444');
    mkdirSync(unrelated);
    try {
      await removeDeadSshSocketDirs({ TMPDIR: base });
      expect(existsSync(dead)).toBe(false);
      for (const kept of [live, other, unrelated]) expect(existsSync(kept)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
