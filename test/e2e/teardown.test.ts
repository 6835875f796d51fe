import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeE2E } from './support/engine.js';
import { buildArgs, canary, killAll, makeTmpRoot, processesWithArg, processesWithEnv, startCli } from './fixtures/build/cli.js';

let tmp: Awaited<ReturnType<typeof makeTmpRoot>>;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait until the slow step runs; fail fast (with the CLI's output) if the CLI exits first. */
async function waitForStep(run: ReturnType<typeof startCli>, nonce: string): Promise<void> {
  let exited = false;
  run.child.once('exit', () => (exited = true));
  await expect.poll(() => exited || run.stderr().includes(`step-started ${nonce}`), { timeout: 60_000, interval: 200 }).toBe(true);
  expect(exited, `the CLI exited before the step started:\n${run.stderr()}`).toBe(false);
}

describeE2E('buildsecrets build: teardown on SIGINT and SIGTERM (real BuildKit)', () => {
  beforeEach(async () => {
    tmp = await makeTmpRoot();
  });
  afterEach(async () => {
    killAll();
    await tmp.remove();
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} during a RUN step with a mounted secret stops the build, exits ${code}, and leaves nothing behind`, async () => {
      const secret = canary(`sig-${signal}`);
      const tag = `bs-e2e-teardown-${signal.toLowerCase()}-${secret.nonce}`;
      const run = startCli(buildArgs('slow.Dockerfile', '-t', tag, '--no-cache', '--progress=plain', '--build-arg', `NONCE=${secret.nonce}`), {
        BS_E2E_TOKEN: secret.value,
        BUILDSECRETS_TMPDIR: tmp.path,
      });
      await waitForStep(run, secret.nonce);
      // Mid-build: the secret file exists and the engine runs under our CLI.
      expect((await tmp.entries()).length).toBeGreaterThan(0);
      expect((await processesWithArg(tag)).length).toBeGreaterThan(0);
      await expect.poll(async () => (await processesWithEnv(`NONCE=${secret.nonce}`)).length, { timeout: 10_000, interval: 100, message: 'the RUN step is visible on the host' }).toBeGreaterThan(0);

      run.child.kill(signal);
      const exit = await run.exit(60_000);

      expect(exit.code).toBe(code);
      expect(alive(run.child.pid!)).toBe(false);
      expect(await tmp.entries()).toEqual([]);
      expect(await processesWithArg(tag)).toEqual([]);
      // BuildKit cancels the step's container once the client is gone.
      await expect.poll(() => processesWithEnv(`NONCE=${secret.nonce}`), { timeout: 20_000, interval: 250 }).toEqual([]);
      expect(run.stderr()).toContain(`${signal} received`);
      expect(run.stdout() + run.stderr()).not.toContain(secret.value);
    }, 180_000);
  }

  it('a second SIGINT forces the exit at once and still removes the secret files', async () => {
    const secret = canary('sig-twice');
    const tag = `bs-e2e-teardown-twice-${secret.nonce}`;
    const run = startCli(buildArgs('slow.Dockerfile', '-t', tag, '--no-cache', '--progress=plain', '--build-arg', `NONCE=${secret.nonce}`), {
      BS_E2E_TOKEN: secret.value,
      BUILDSECRETS_TMPDIR: tmp.path,
    });
    await waitForStep(run, secret.nonce);
    run.child.kill('SIGINT');
    const secondAt = Date.now();
    run.child.kill('SIGINT');
    const exit = await run.exit(30_000);
    // "At once": the forced path is a synchronous sweep and exit, no teardown wait. Bound 1 s + 2 s
    // margin for a loaded machine — far below the 10 s engine grace or the 30 s teardown guard it skips.
    expect(Date.now() - secondAt).toBeLessThan(1_000 + 2_000);
    expect(exit.code).toBe(130);
    expect(await tmp.entries()).toEqual([]);
    await expect.poll(() => processesWithArg(tag), { timeout: 10_000, interval: 250 }).toEqual([]);
    await expect.poll(() => processesWithEnv(`NONCE=${secret.nonce}`), { timeout: 20_000, interval: 250 }).toEqual([]);
    expect(run.stdout() + run.stderr()).not.toContain(secret.value);
  }, 180_000);
});
