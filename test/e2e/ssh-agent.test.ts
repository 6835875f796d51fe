import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SecretValue, sshAgentStrategy, type PreparedInjection, type StrategyContext } from '@buildsecrets/core';
import { keyBodyLines, makeKey, startSshd, type TestKey, type TestSshd } from '../../packages/core/src/strategies/ssh-agent/__fixtures__/openssh.js';
import { DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { testStrategyContext } from '../../packages/core/src/strategies/__fixtures__/test-strategy-context.js';

const run = promisify(execFile);
const FIXTURE = join(import.meta.dirname, 'fixtures/ssh-agent/Dockerfile');
const APP = 'private repository content, cloned through the forwarded agent\n';

describeE2E('ssh-agent strategy in a real BuildKit build', () => {
  let dir = '';
  let key: TestKey;
  let sshd: TestSshd;
  const tag = `buildsecrets-e2e/ssh-agent:${process.pid}`;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bs-e2e-ssh-'));
    key = await makeKey(dir, 'deploy', 'ed25519', { comment: 'e2e-deploy' });
    sshd = await startSshd(dir, [key.publicKey]);
    const work = join(dir, 'work');
    await mkdir(work);
    await writeFile(join(work, 'app.txt'), APP);
    const git = (args: string[], cwd = work): Promise<unknown> => run('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@localhost', '-c', 'init.defaultBranch=main', ...args], { cwd });
    await git(['init', '-q']);
    await git(['add', 'app.txt']);
    await git(['commit', '-q', '-m', 'init']);
    await git(['clone', '-q', '--bare', work, join(dir, 'repo.git')], dir);
  });
  afterAll(async () => {
    await sshd?.stop();
    await docker(['rmi', '-f', tag]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  function context(): StrategyContext {
    // Not redacting: key material must never reach the logger at all.
    return testStrategyContext({ lines, redactLogs: false, overrides: { declaredArgs: new Set(['SSH_PORT', 'REPO']) } });
  }

  it('clones a private repository over ssh using only the forwarded agent, and leaves no key material', async () => {
    const ctx = join(dir, 'context');
    await mkdir(ctx);
    await copyFile(FIXTURE, join(ctx, 'Dockerfile'));
    const prepared: PreparedInjection = await sshAgentStrategy().prepare(
      [{ id: 'deploy_key', value: SecretValue.from(key.privateKey), config: { from: 'vault', ref: 'ci/deploy', inject: 'ssh-agent' } }],
      context(),
    );
    const socket = prepared.engineArgs[1]?.split('=')[1] ?? 'none';
    let output = '';
    try {
      const build = await run(
        DOCKER_BIN,
        ['build', ...E2E_BUILD_ARGS, ...prepared.engineArgs, '--build-arg', `SSH_PORT=${sshd.port}`, '--build-arg', `REPO=${join(dir, 'repo.git')}`, '--progress=plain', '-t', tag, ctx],
        { env: { ...process.env, ...E2E_ENV, DOCKER_BUILDKIT: '1', ...prepared.env }, maxBuffer: 1 << 26, timeout: 300_000 },
      );
      output = build.stdout + build.stderr;
    } finally {
      await prepared.dispose();
    }

    const proof = await docker(['run', '--rm', '--network', 'none', tag, 'cat', '/proof']);
    expect(proof.trim()).toBe(createHash('sha256').update(APP).digest('hex'));
    expect(lines.some((l) => l.includes(`signed with ${key.fingerprint}`))).toBe(true);

    const needles = Object.fromEntries([['private key', key.privateKey], ...keyBodyLines(key).map((l, i) => [`key line ${i}`, l] as const)]);
    expect(await scanImage(tag, needles)).toEqual([]);
    for (const line of keyBodyLines(key)) {
      expect(output).not.toContain(line);
      expect(lines.join('\n')).not.toContain(line);
    }
    expect(existsSync(socket)).toBe(false);
    expect(existsSync(dirname(socket))).toBe(false);
  });
});
