import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';


function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A parent process: a tiny ESM script that starts the janitor and speaks its protocol as exit-cleanup does. */
async function parentScript(dir: string, body: string): Promise<string> {
  const file = join(dir, 'parent.mjs');
  await writeFile(file, body);
  return file;
}

describe('the janitor: a watchdog that cleans up after a parent killed outright', () => {
  let work = '';
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('after SIGKILL of its parent: kills the engine group, overwrites and removes every path, reports the unaudited image — within 5 s', async () => {
    work = await mkdtemp(join(tmpdir(), 'bs-janitor-test-'));
    const secretDir = join(work, 'buildsecrets-run-1-abcdef');
    await mkdir(secretDir);
    await writeFile(join(secretDir, 'token'), 'canary-janitor-value');
    const iid = join(secretDir, 'iid');
    const image = `sha256:${'ab'.repeat(32)}`;
    await writeFile(iid, image);
    const reports = join(work, 'reports');
    const { JANITOR_PROGRAM } = await import('./janitor-program.js');
    const parent = await parentScript(work, `
      import { spawn } from 'node:child_process';
      const janitor = spawn(process.execPath, ['-e', ${JSON.stringify(JANITOR_PROGRAM)}], { stdio: ['pipe', 'ignore', 'inherit'], detached: true, env: {} });
      const engine = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
      const send = (m) => janitor.stdin.write(JSON.stringify(m) + '\\n');
      send({ op: 'reports', value: ${JSON.stringify(reports)} });
      send({ op: 'path', value: ${JSON.stringify(secretDir)} });
      send({ op: 'group', value: engine.pid });
      send({ op: 'result', value: ${JSON.stringify(iid)} });
      process.stdout.write(JSON.stringify({ janitor: janitor.pid, engine: engine.pid }) + '\\n');
      setInterval(() => {}, 1000);
    `);
    const child = spawn(process.execPath, [parent], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const pids = await new Promise<{ janitor: number; engine: number }>((resolve) => child.stdout.once('data', (c: Buffer) => resolve(JSON.parse(c.toString()))));
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(pids.engine)).toBe(true);
    expect(existsSync(secretDir)).toBe(true);

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await expect.poll(() => existsSync(secretDir), { timeout: 5_000, interval: 50 }).toBe(false);
    await expect.poll(() => alive(pids.engine), { timeout: 5_000, interval: 50 }).toBe(false);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    const notes = await readdir(reports);
    expect(notes).toEqual([`${'ab'.repeat(32)}.json`]);
    expect(JSON.parse(await readFile(join(reports, notes[0] ?? ''), 'utf8'))).toMatchObject({ image });
    expect(stderr).toContain(`buildsecrets audit ${image}`);
    await expect.poll(() => alive(pids.janitor), { timeout: 5_000, interval: 50 }).toBe(false);
  }, 20_000);

  it('holds no secret: empty environment, and its command line is the program alone', async () => {
    const { startJanitor } = await import('./janitor.js');
    process.env['BS_JANITOR_TEST_SECRET'] = 'canary-janitor-env';
    const janitor = startJanitor();
    try {
      expect(janitor.pid).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 200));
      const environ = await readFile(`/proc/${janitor.pid}/environ`, 'latin1');
      expect(environ).toBe('');
      const cmdline = await readFile(`/proc/${janitor.pid}/cmdline`, 'latin1');
      expect(cmdline).not.toContain('canary');
    } finally {
      delete process.env['BS_JANITOR_TEST_SECRET'];
      janitor.release();
    }
    // Released: it exits without touching anything.
    await expect.poll(() => alive(janitor.pid ?? 0), { timeout: 5_000, interval: 50 }).toBe(false);
  });

  it('a released janitor removes nothing', async () => {
    work = await mkdtemp(join(tmpdir(), 'bs-janitor-test-'));
    const keep = join(work, 'keep');
    await writeFile(keep, 'x');
    const { startJanitor } = await import('./janitor.js');
    const janitor = startJanitor();
    janitor.send({ op: 'path', value: keep });
    janitor.release();
    await expect.poll(() => alive(janitor.pid ?? 0), { timeout: 5_000, interval: 50 }).toBe(false);
    expect(existsSync(keep)).toBe(true);
  });
});
