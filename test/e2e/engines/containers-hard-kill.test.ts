import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sweepStaleRuns } from '@buildsecrets/core';
import { CLI, containersStorageFilesHolding, describeEngine, makeContext, matrixEngines, matrixSecrets, processesMentioning, shmFilesHolding } from './matrix-support.js';

const run = promisify(execFile);
const engines = matrixEngines().filter((e) => e.engine === 'podman' || e.engine === 'buildah');
const missing = await Promise.all(engines.map((e) => e.available()));
const CLEANUP_BOUND_MS = 5_000;

/** What the RUN step's own mount table names: its working container's directory, its runtime bundle, its ssh-agent proxy socket directory. */
async function stepMounts(pid: number): Promise<{ container?: string; bundle?: string; sshDir?: string }> {
  const mounts = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
  const container = /(\/\S+\/overlay-containers\/[0-9a-f]{64})\/userdata\/secrets\//.exec(mounts)?.[1];
  const bundle = /(\/\S+\/buildah\d+)\/hostname \/etc\/hostname /.exec(mounts)?.[1];
  const sshDir = /(\/\S+\/\.buildah-ssh-sock\d+)\/ssh_auth_sock /.exec(mounts)?.[1];
  return { ...(container ? { container } : {}), ...(bundle ? { bundle } : {}), ...(sshDir ? { sshDir } : {}) };
}

/** Remove a working container a failed test left: the step just SIGKILLed may still hold it for a moment, so try again. */
async function removeContainer(engine: string, id: string, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 20 && existsSync(dir); attempt++) {
    await run(engine, engine === 'podman' ? ['rm', '--force', id] : ['rm', id]).catch(() => undefined);
    if (existsSync(dir)) await new Promise((r) => setTimeout(r, 250));
  }
}

/** True while `pid` runs (a killed process nobody has reaped yet is a zombie, not running). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Working containers of the test's own build (its random HOLD build arg is recorded in their buildah.json). */
async function containersOfBuild(hold: string): Promise<string[]> {
  const dir = '/var/lib/containers/storage/overlay-containers';
  const ids: string[] = [];
  for (const id of await readdir(dir).catch(() => [] as string[])) {
    const state = await readFile(join(dir, id, 'userdata', 'buildah.json'), 'utf8').catch(() => '');
    if (state.includes(`"HOLD":"${hold}"`)) ids.push(id);
  }
  return ids;
}

/** The direct children of `parent` (pid and argv), from /proc. */
async function childrenOf(parent: number): Promise<{ pid: number; argv: string }[]> {
  const found: { pid: number; argv: string }[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== parent) continue;
    const argv = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    found.push({ pid: Number(name), argv });
  }
  return found;
}

// kill -9 of buildsecrets (the OOM killer, `timeout -s KILL`) while a podman/buildah RUN step holds
// a file secret, an env secret and an ssh socket: no handler of ours runs, and podman 4.3 starts
// the step in a session of its own, so only the watchdog can stop it and remove the engine's
// copies — the working container's `userdata/secrets`, the /dev/shm copy of the env value, the
// runtime bundle, the ssh-agent proxy socket directory — within 5 s. When the watchdog is killed
// too (a cgroup-wide kill), the next run's start-up sweep does it from the build's record.
for (const [index, engine] of engines.entries()) {
  describeEngine(engine, missing[index], () => {
    let ctx: Awaited<ReturnType<typeof makeContext>>;
    let keys = '';
    let secrets: Awaited<ReturnType<typeof matrixSecrets>>;

    beforeAll(async () => {
      ctx = await makeContext();
      keys = await mkdtemp(join(tmpdir(), 'bs-e2e-hardkill-keys-'));
      secrets = await matrixSecrets(keys);
    });
    afterAll(async () => {
      await ctx.remove();
      await rm(keys, { recursive: true, force: true });
    }, 60_000);

    /**
     * Start `buildsecrets build` of the slow Containerfile and wait until its RUN step holds every
     * secret: the CLI, its output, the step's mounts, what is left of the build now, and the clean-up
     * a failing test needs (so that it leaves no running step or copy to the next test).
     */
    async function heldBuild(tag: string) {
      const hold = String(1000 + Math.floor(Math.random() * 8000));
      const sleeping = () => processesMentioning(`sleep\0${hold}`);
      const values = Object.values(secrets.values);
      const args = ['build', '--config', join(ctx.path, 'buildsecrets.yaml'), '--engine', engine.engine, '-f', join(ctx.path, 'slow.Containerfile'), '--network=host', '--no-cache', '--build-arg', `HOLD=${hold}`, '-t', `localhost/${tag}-${engine.engine}:${process.pid}`, ctx.path];
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ctx.path, env: { ...process.env, NO_COLOR: '1', ...engine.env, ...secrets.env, BUILDSECRETS_TMPDIR: ctx.tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let step: Awaited<ReturnType<typeof stepMounts>> = {};
      const build = {
        child,
        exited,
        output: () => output,
        get step() {
          return step;
        },
        /** What of the build is still there: step processes, copies holding a value, temp root entries, the step's container, bundle and ssh socket dir. */
        async left() {
          const [steps, stored, shm, tmp] = await Promise.all([sleeping(), containersStorageFilesHolding(values), shmFilesHolding(values), readdir(ctx.tmp)]);
          const [container, bundle, sshDir] = [step.container!, step.bundle!, step.sshDir!].map((p) => existsSync(p));
          return { steps, stored, shm, tmp, container, bundle, sshDir };
        },
        async cleanUp() {
          child.kill('SIGKILL');
          for (const pid of await sleeping()) process.kill(pid, 'SIGKILL');
          const id = step.container?.split('/').pop();
          if (id) await removeContainer(engine.engine, id, step.container!);
          for (const other of await containersOfBuild(hold)) await removeContainer(engine.engine, other, `/var/lib/containers/storage/overlay-containers/${other}`);
          if (step.bundle) await rm(step.bundle, { recursive: true, force: true });
          for (const file of await shmFilesHolding(values)) await rm(file, { force: true });
          if (step.sshDir) await rm(step.sshDir, { recursive: true, force: true });
          for (const entry of await readdir(ctx.tmp)) await rm(join(ctx.tmp, entry), { recursive: true, force: true });
        },
      };
      try {
        await expect.poll(() => output.includes(`holding-${hold}`), { timeout: 120_000, interval: 200 }).toBe(true);
        const [pid] = await sleeping();
        expect(pid, 'the RUN step is running').toBeDefined();
        step = await stepMounts(pid!);
        // Not vacuous: before the kill each copy exists.
        expect(step.container && existsSync(step.container), 'the working container').toBe(true);
        expect(step.bundle && existsSync(step.bundle), 'the runtime bundle').toBe(true);
        expect(step.sshDir && existsSync(step.sshDir), 'the ssh-agent proxy socket directory').toBe(true);
        expect(await containersStorageFilesHolding([secrets.values.file_secret!])).not.toEqual([]);
        expect(await shmFilesHolding([secrets.values.env_secret!])).not.toEqual([]);
      } catch (error) {
        await build.cleanUp();
        throw error;
      }
      return build;
    }

    const NOTHING_LEFT = { steps: [], stored: [], shm: [], tmp: [], container: false, bundle: false, sshDir: false };

    it('kill -9 mid-step → within 5 s no RUN-step process, no secret copy in containers-storage or /dev/shm, no working container, bundle or ssh proxy socket dir', async () => {
      const build = await heldBuild('bs-e2e-hardkill');
      try {
        const killedAt = Date.now();
        build.child.kill('SIGKILL');
        await build.exited;
        let cleanAt: number | undefined;
        let last: unknown;
        while (cleanAt === undefined && Date.now() - killedAt < 20_000) {
          const passStart = Date.now();
          last = await build.left();
          if (JSON.stringify(last) === JSON.stringify(NOTHING_LEFT)) cleanAt = passStart;
          else await new Promise((r) => setTimeout(r, 100));
        }
        expect(cleanAt, `never clean: ${JSON.stringify(last)}`).toBeDefined();
        expect((cleanAt ?? Infinity) - killedAt, 'cleanup bound: 5 s + 1 s margin').toBeLessThan(CLEANUP_BOUND_MS + 1_000);
        for (const value of Object.values(secrets.values)) expect(build.output()).not.toContain(value);
      } finally {
        await build.cleanUp();
      }
    }, 300_000);

    it('kill -9 of buildsecrets, its watchdog and the engine together (a cgroup-wide kill) → the next run\u2019s start-up sweep stops the RUN step and removes every copy, the working container, bundle and ssh proxy socket dir', async () => {
      const build = await heldBuild('bs-e2e-hardkill-all');
      const state = await mkdtemp(join(tmpdir(), 'bs-e2e-hardkill-state-'));
      try {
        const children = await childrenOf(build.child.pid!);
        const watchdog = children.find((c) => c.argv.includes("'use strict'"));
        const engineProcess = children.find((c) => c !== watchdog && basename(c.argv.split(' ')[0] ?? '') === engine.engine);
        expect(watchdog, 'the watchdog runs').toBeDefined();
        expect(engineProcess, 'the engine runs').toBeDefined();

        // Everything of ours at once, as a cgroup-wide kill does; the RUN step (a session of its own) survives.
        for (const target of [build.child.pid!, watchdog!.pid]) process.kill(target, 'SIGKILL');
        process.kill(-engineProcess!.pid, 'SIGKILL');
        await build.exited;
        await new Promise((r) => setTimeout(r, 1_000));
        expect([await running(engineProcess!.pid), await running(watchdog!.pid)], 'the engine and the watchdog are gone').toEqual([false, false]);
        // Not vacuous: with no watchdog left, the step and the engine's copies are still there.
        const before = await build.left();
        expect(before.steps, 'the RUN step outlives the kill').not.toEqual([]);
        expect(before.container, 'the working container is left').toBe(true);
        expect(before.stored, 'the secret copies in the container are left').not.toEqual([]);
        if (engine.engine === 'podman') expect(before.shm, 'the /dev/shm copy is left').not.toEqual([]);

        const swept = await sweepStaleRuns({ BUILDSECRETS_TMPDIR: ctx.tmp, XDG_STATE_HOME: state });
        expect(swept.engineBuilds).toHaveLength(1);
        expect(await build.left()).toEqual(NOTHING_LEFT);
        for (const value of Object.values(secrets.values)) expect(build.output()).not.toContain(value);
      } finally {
        await build.cleanUp();
        await rm(state, { recursive: true, force: true });
      }
    }, 300_000);
  });
}
