// What the REAL engine process sees during a build: its argv and environment read from /proc while
// `buildsecrets build` runs, and every file the build leaves on the host mid-step. Strategy unit
// tests check the arguments they return; this checks the docker CLI the product actually spawned.
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { keyBodyLines, makeKey, type TestKey } from '../../packages/core/src/strategies/ssh-agent/__fixtures__/openssh.js';
import { DOCKER_BIN, E2E_BUILD_ARGS, E2E_DIR, describeE2E, docker } from './support/engine.js';
import { canary, killAll, startCli } from './fixtures/build/cli.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/engine-process');

/** One process seen in /proc: argv split on NUL, and its environment entries. */
interface ProcessView {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly environ: readonly string[];
}

async function processes(): Promise<ProcessView[]> {
  const out: ProcessView[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`).catch(() => undefined);
    if (!cmdline || cmdline.length === 0) continue;
    const environ = await readFile(`/proc/${name}/environ`).catch(() => Buffer.alloc(0));
    out.push({ pid: Number(name), argv: cmdline.toString('utf8').split('\0'), environ: environ.toString('utf8').split('\0') });
  }
  return out;
}

/** Every regular file under `dir` (recursive, best effort: entries vanish while we look). */
async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.map((n) => join(dir, n));
}

/** Files under the product's temp roots (`buildsecrets-*` in /dev/shm and the OS temp dir) whose bytes contain any needle. */
async function filesHolding(needles: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const root of ['/dev/shm', tmpdir()]) {
    // The e2e services' own directory (the default BUILDSECRETS_E2E_DIR is /tmp/buildsecrets-e2e, a
    // daemon's whole data root) is not the product's: reading it each poll made a look take seconds.
    const tops = (await readdir(root).catch(() => [] as string[])).filter((n) => n.startsWith('buildsecrets-') && join(root, n) !== resolve(E2E_DIR) && n !== 'buildsecrets-e2e');
    for (const top of tops) {
      for (const file of [join(root, top), ...(await filesUnder(join(root, top)))]) {
        // Regular files only: a socket or FIFO would block or fail a plain read.
        const info = await lstat(file).catch(() => undefined);
        if (!info?.isFile()) continue;
        const bytes = await readFile(file).catch(() => undefined);
        if (bytes && needles.some((n) => bytes.includes(n))) hits.push(file);
      }
    }
  }
  return hits;
}

describeE2E('the real engine process during a build (argv and files read from /proc and the host)', () => {
  let keyDir = '';
  let key: TestKey;

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'bs-e2e-engine-proc-'));
    key = await makeKey(keyDir, 'deploy', 'ed25519');
    // The test's own copy goes away before the build, so any file holding the key afterwards is the product's.
    await rm(keyDir, { recursive: true, force: true });
  });
  afterEach(() => killAll());
  afterAll(async () => {
    await rm(keyDir, { recursive: true, force: true });
  });

  it('passes names and a /dev/shm path to docker, never a value, and never writes the ssh key to a file', async () => {
    expect(existsSync('/dev/shm'), 'this host has /dev/shm, so the claim applies').toBe(true);
    const secret = canary('engine-argv');
    const tag = `bs-e2e-engine-proc-${secret.nonce}`;
    const keyLines = keyBodyLines(key);
    const env: Record<string, string> = { BS_E2E_TOKEN: secret.value, BS_E2E_SSH_KEY: key.privateKey.toString('utf8') };
    // No BUILDSECRETS_TMPDIR: the default temp root is what is under test.
    delete process.env['BUILDSECRETS_TMPDIR'];
    // The RUN step, once its secrets are mounted, asks this gate and waits for the answer. The gate is
    // answered at the end of the first look (below) that began after the ask, so at least one whole
    // look saw the engine mid-step, however slow the machine: no sleep in the step to outlast.
    let asking: ServerResponse | undefined;
    let looksDuringStep = 0;
    const gate = createServer((_req, res) => void (asking = res));
    await new Promise<void>((done) => gate.listen(0, '127.0.0.1', done));
    const gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/`;
    const run = startCli(
      ['build', '--config', join(FIXTURES, 'buildsecrets.yaml'), '-f', join(FIXTURES, 'Dockerfile'), ...E2E_BUILD_ARGS, '-t', tag, '--no-cache', '--progress=plain', '--build-arg', `NONCE=${secret.nonce}`, '--build-arg', `SWEEP_GATE=${gateUrl}`, FIXTURES],
      env,
    );
    let exited = false;
    run.child.once('exit', () => (exited = true));

    const engineArgv: string[][] = [];
    const argvLeaks: string[] = [];
    const envLeaks: string[] = [];
    const fileLeaks = new Set<string>();
    let secretFileSeen = false;
    const otherWithTag: string[] = [];
    let iterations = 0;
    while (!exited) {
      iterations++;
      const stepWaiting = asking;
      for (const p of await processes()) {
        const argv = p.argv.join(' ');
        if (argv.includes(secret.value) || keyLines.some((l) => argv.includes(l))) argvLeaks.push(`pid ${p.pid}: ${p.argv[0]}`);
        const isEngine = p.argv.includes(tag) && p.argv.some((a) => a === DOCKER_BIN || a.endsWith('/docker') || a === 'docker');
        if (p.argv.some((a) => a.includes("docker")) && !isEngine) otherWithTag.push(p.argv.join(" ").slice(0, 200));
        if (!isEngine) continue;
        engineArgv.push([...p.argv]);
        // The variables the env provider reads are the user's own and are inherited; any OTHER entry holding a value is ours.
        const added = p.environ.filter((e) => !Object.keys(env).some((name) => e.startsWith(`${name}=`)));
        if (added.some((e) => e.includes(secret.value) || keyLines.some((l) => e.includes(l)))) envLeaks.push(`pid ${p.pid}`);
      }
      for (const f of await filesHolding(keyLines)) fileLeaks.add(f);
      if (!secretFileSeen) secretFileSeen = (await filesHolding([secret.value])).some((f) => f.startsWith('/dev/shm/buildsecrets-'));
      if (stepWaiting) {
        looksDuringStep++;
        stepWaiting.end('looked');
        asking = undefined;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    gate.closeAllConnections();
    gate.close();
    const exit = await run.exit(60_000);
    // The leak checks first: a leak may also fail the build (the audit), and that must not hide which check broke.
    expect(argvLeaks, 'no process had a value or key line in its argv').toEqual([]);
    expect(envLeaks, 'no environment entry the product added to the engine held a value or the key').toEqual([]);
    expect([...fileLeaks], 'no file ever held the ssh private key').toEqual([]);
    expect(exit.code, run.stderr()).toBe(0);
    expect(run.stderr()).toContain(`step-started ${secret.nonce}`);
    expect(looksDuringStep, 'the step waited for a whole look at /proc and the temp roots').toBe(1);

    // The docker CLI the product spawned was seen, with the secret as a file on tmpfs and the key as a socket.
    expect(engineArgv.length, `the engine process was observed mid-build (${iterations} looks; others: ${otherWithTag.filter((o) => !o.includes('dockerd')).slice(0, 3).join('; ')})`).toBeGreaterThan(0);
    const argv = engineArgv[0]!;
    const secretArg = argv[argv.indexOf('--secret') + 1] ?? '';
    expect(secretArg).toMatch(/^id=token,src=\/dev\/shm\/buildsecrets-[^,]+$/);
    const sshArg = argv[argv.indexOf('--ssh') + 1] ?? '';
    expect(sshArg).toMatch(/^default=\/dev\/shm\/buildsecrets-ssh-[^/]+\/agent-0\.sock$/);
    expect(secretFileSeen, 'the secret file existed on /dev/shm while the step ran').toBe(true);

    // And nothing is left on /dev/shm afterwards.
    expect(existsSync(secretArg.slice(secretArg.indexOf('src=') + 4))).toBe(false);
    expect(existsSync(sshArg.slice('default='.length))).toBe(false);
    expect(run.stdout() + run.stderr()).not.toContain(secret.value);
    await docker(['rmi', '-f', tag]).catch(() => undefined);
  }, 180_000);
});
