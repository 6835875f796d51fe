import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, EngineError } from '../errors/index.js';
import { createRedactor } from '../redaction/redactor.js';
import { makeFakeDocker } from './__fixtures__/fake-docker.js';
import { runEngine } from './run-engine.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';
import { allowCanaryOutput } from '../../../../test/setup/canary.js';

const CANARY = makeCanary('value-7qx9-engine');
let fake: Awaited<ReturnType<typeof makeFakeDocker>>;
let work: string;

beforeAll(async () => {
  fake = await makeFakeDocker();
});
afterAll(() => fake.remove());
afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function collect(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function setup(extraEnv: Record<string, string> = {}) {
  work = await mkdtemp(join(tmpdir(), 'bs-run-engine-'));
  const redactor = createRedactor();
  redactor.add('token', CANARY);
  const out = collect();
  const env = { PATH: process.env['PATH'], FAKE_LOG: join(work, 'log'), BUILD_TOKEN: CANARY, ...extraEnv };
  return { redactor, out, env, iidFile: join(work, 'iid') };
}

describe('runEngine', () => {
  it('runs `docker build` with DOCKER_BUILDKIT=1, passes arguments untouched, and reads the image id', async () => {
    const { redactor, out, env, iidFile } = await setup();
    const run = await runEngine({ docker: fake.bin, mode: 'buildkit', args: ['-t', 'app', '--build-arg', 'X=1', '.'], env, redactor, output: out.stream, iidFile });
    expect(run.exitCode).toBe(0);
    expect(run.imageId).toBe(`sha256:${'0'.repeat(63)}1`);
    expect(run.command).toEqual([fake.bin, 'build', '--iidfile', iidFile, '-t', 'app', '--build-arg', 'X=1', '.']);
    expect(out.text()).toContain('DOCKER_BUILDKIT=1');
    expect(await readFile(env.FAKE_LOG, 'utf8')).toContain(`build --iidfile ${iidFile} -t app --build-arg X=1 .`);
  });

  it('runs `docker buildx build` in buildx mode without forcing DOCKER_BUILDKIT', async () => {
    const { redactor, out, env } = await setup({ FAKE_BUILDX: '1' });
    const run = await runEngine({ docker: fake.bin, mode: 'buildx', args: ['.'], env, redactor, output: out.stream });
    expect(run.command.slice(1, 3)).toEqual(['buildx', 'build']);
    expect(out.text()).toContain('DOCKER_BUILDKIT=unset');
  });

  it('hands values to the engine through its environment only and redacts them from its output', async () => {
    allowCanaryOutput(/^child .*\/docker std(out|err)$/, 'the fake engine echoes the value on purpose: this test proves runEngine masks it in what it passes on');
    const { redactor, out, env } = await setup({ FAKE_ECHO_ENV: 'BUILD_TOKEN' });
    await runEngine({ docker: fake.bin, mode: 'buildkit', args: ['.'], env, redactor, output: out.stream });
    expect(out.text()).toContain('value is ***');
    expect(out.text()).toContain('on stderr ***');
    expect(out.text()).not.toContain(CANARY);
    expect(await readFile(env.FAKE_LOG, 'utf8')).not.toContain(CANARY);
  });

  it('rejects with an EngineError carrying the build exit code', async () => {
    const { redactor, out, env } = await setup({ FAKE_BUILD_EXIT: '17' });
    const err = await runEngine({ docker: fake.bin, mode: 'buildkit', args: ['.'], env, redactor, output: out.stream }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).exitCode).toBe(17);
    expect((err as EngineError).message).toContain('exited with code 17');
  });

  it('rejects with a clear EngineError when the binary does not exist', async () => {
    const { redactor, out, env } = await setup();
    const err = await runEngine({ docker: join(work, 'no-docker'), mode: 'buildkit', args: ['.'], env, redactor, output: out.stream }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toContain('was not found');
  });

  it('stops the whole process group on abort and settles with AbortedError', async () => {
    const { redactor, out, env } = await setup({ FAKE_BUILD_SLEEP: '30' });
    const controller = new AbortController();
    const pids: number[] = [];
    const running = runEngine({ docker: fake.bin, mode: 'buildkit', args: ['.'], env, redactor, output: out.stream, signal: controller.signal, killGraceMs: 2000, onSpawn: (pid) => pids.push(pid) });
    await expect.poll(async () => (await readFile(env.FAKE_LOG, 'utf8').catch(() => '')).length, { timeout: 5000 }).toBeGreaterThan(0);
    controller.abort();
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(pids).toHaveLength(1);
    expect(alive(pids[0]!)).toBe(false);
    // The backgrounded grandchild (`sleep` in a subshell) shared the group, so it is gone too.
    await expect.poll(() => { try { process.kill(-pids[0]!, 0); return true; } catch { return false; } }, { timeout: 3000 }).toBe(false);
    expect(out.text()).not.toContain('grandchild-done');
  });

  it('settles after the engine exits even when a leftover grandchild holds its output open', async () => {
    const { redactor, out, env } = await setup({ FAKE_LINGER: '1' });
    let group = 0;
    try {
      const run = await runEngine({ docker: fake.bin, mode: 'buildkit', args: ['.'], env, redactor, output: out.stream, outputGraceMs: 200, onSpawn: (pid) => (group = pid) });
      expect(run.exitCode).toBe(0);
      expect(out.text()).not.toContain('late');
    } finally {
      // The test's own leftover: the lingering grandchild still runs in the engine's group.
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });

  it('does not start anything when the signal is already aborted', async () => {
    const { redactor, out, env } = await setup();
    const controller = new AbortController();
    controller.abort();
    await expect(runEngine({ docker: fake.bin, mode: 'buildkit', args: ['.'], env, redactor, output: out.stream, signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(await readFile(env.FAKE_LOG, 'utf8').catch(() => '')).toBe('');
  });
});
