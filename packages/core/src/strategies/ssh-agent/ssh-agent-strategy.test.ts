import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SecretConfig } from '../../config/schema.js';
import { SecretValue } from '../../secret-value.js';
import type { PreparedInjection, SecretForInjection, StrategyContext } from '../types.js';
import { keyBodyLines, makeKey, sshClientArgs, startSshd, withAgent, type TestKey, type TestSshd } from './__fixtures__/openssh.js';
import { sshAgentStrategy } from './ssh-agent-strategy.js';
import { testStrategyContext } from '../__fixtures__/test-strategy-context.js';
import { describeWithParts } from '../../../../../test/support/system-parts.js';

const run = promisify(execFile);

// Real OpenSSH: ssh-keygen makes the keys, ssh and ssh-add talk to the agent, a private sshd checks signatures.
describeWithParts('sshAgentStrategy with real OpenSSH', ['ssh-keygen', 'ssh', 'ssh-add', '/usr/sbin/sshd'], () => {
  let dir = '';
  let ed: TestKey;
  let rsaPem: TestKey;
  let encrypted: TestKey;
  let other: TestKey;
  let sshd: TestSshd;
  const lines: string[] = [];
  let prepared: PreparedInjection | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bs-ssh-agent-'));
    [ed, rsaPem, encrypted, other] = await Promise.all([
      makeKey(dir, 'ed', 'ed25519', { comment: 'ci-deploy' }),
      makeKey(dir, 'rsa', 'rsa', { pem: true }),
      makeKey(dir, 'enc', 'ecdsa', { passphrase: 'open sesame 42' }),
      makeKey(dir, 'other', 'ed25519'),
    ]);
    sshd = await startSshd(dir, [ed.publicKey, rsaPem.publicKey, encrypted.publicKey]);
  });
  afterAll(async () => {
    await sshd?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await prepared?.dispose();
    prepared = undefined;
    const text = lines.join('\n');
    for (const key of [ed, rsaPem, encrypted]) for (const line of keyBodyLines(key)) expect(text).not.toContain(line);
    expect(text).not.toContain('open sesame 42');
    lines.length = 0;
  });

  function secret(id: string, key: TestKey, config: Partial<SecretConfig> = {}): SecretForInjection {
    return { id, value: SecretValue.from(key.privateKey), config: { from: 'vault', ref: id, inject: 'ssh-agent', ...config } };
  }

  function context(passphrases: Record<string, string> = {}): StrategyContext {
    // Not redacting on purpose: the canary proves the strategy never logs key material.
    return testStrategyContext({
      lines,
      redactLogs: false,
      overrides: { lookup: (id) => (passphrases[id] === undefined ? undefined : SecretValue.from(passphrases[id])) },
    });
  }

  const socketOf = (p: PreparedInjection, sshId = 'default'): string =>
    p.engineArgs.find((a) => a.startsWith(`${sshId}=`))?.slice(sshId.length + 1) ?? 'no-socket';

  it('hands BuildKit one --ssh socket per ssh id, in a private directory, never naming the secret', async () => {
    prepared = await sshAgentStrategy().prepare([secret('deploy_key', ed), secret('mirror_key', rsaPem, { sshId: 'mirror' })], context());
    expect(prepared.engineArgs).toEqual(['--ssh', expect.stringMatching(/^default=\/.+\.sock$/), '--ssh', expect.stringMatching(/^mirror=\/.+\.sock$/)]);
    expect(prepared.env).toEqual({});
    const socket = socketOf(prepared);
    expect(socket).not.toContain('deploy_key');
    const { stdout } = await run('stat', ['-c', '%a', dirname(socket), socket]);
    expect(stdout.split('\n').slice(0, 2)).toEqual(['700', '600']);
    expect(prepared.summary.join('\n')).toContain(ed.fingerprint);
  });

  it('lists exactly the configured key, as ssh-add -l sees it', async () => {
    prepared = await sshAgentStrategy().prepare([secret('deploy_key', ed)], context());
    const listed = await withAgent(socketOf(prepared), 'ssh-add', ['-l']);
    expect(listed.code).toBe(0);
    expect(listed.output.trim().split('\n')).toEqual([expect.stringContaining(`${ed.fingerprint} ci-deploy (ED25519)`)]);
  });

  it('refuses to add, remove, remove all, lock and unlock', async () => {
    prepared = await sshAgentStrategy().prepare([secret('deploy_key', ed)], context());
    const socket = socketOf(prepared);
    expect((await withAgent(socket, 'ssh-add', [join(dir, 'other')])).code).toBe(1); // ssh-add: the agent refused
    expect((await withAgent(socket, 'ssh-add', ['-d', join(dir, 'ed')])).code).toBe(1);
    expect((await withAgent(socket, 'ssh-add', ['-D'])).code).toBe(1);
    const askpass = { SSH_ASKPASS: '/bin/true', SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'x' };
    expect((await withAgent(socket, 'ssh-add', ['-x'], askpass)).code).toBe(1);
    expect((await withAgent(socket, 'ssh-add', ['-X'], { SSH_ASKPASS: '/bin/true', SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'x' })).code).toBe(1);
    const listed = await withAgent(socket, 'ssh-add', ['-l']);
    expect(listed.output).toContain(ed.fingerprint);
    expect(listed.output).not.toContain(other.fingerprint);
    expect(lines.some((l) => l.includes('refused request type'))).toBe(true);
  });

  for (const [name, pick, config, passphrases] of [
    ['an OpenSSH ed25519 key', () => ed, {}, {}],
    ['a PEM RSA key', () => rsaPem, {}, {}],
    ['an encrypted ECDSA key opened with passphraseFrom', () => encrypted, { passphraseFrom: 'deploy_pass' }, { deploy_pass: 'open sesame 42' }],
  ] as const) {
    it(`lets a real sshd accept ${name} through the agent alone, and logs the signature by fingerprint`, async () => {
      const key = pick();
      prepared = await sshAgentStrategy().prepare([secret('deploy_key', key, config)], context(passphrases));
      const result = await withAgent(socketOf(prepared), 'ssh', [...sshClientArgs(sshd.port), 'root@127.0.0.1', 'true']);
      expect(result).toMatchObject({ code: 0 });
      expect(lines.some((l) => l.startsWith('info') && l.includes(`signed with ${key.fingerprint}`))).toBe(true);
    });
  }

  it('is not accepted by sshd with a key it does not know', async () => {
    prepared = await sshAgentStrategy().prepare([secret('deploy_key', other)], context());
    const result = await withAgent(socketOf(prepared), 'ssh', [...sshClientArgs(sshd.port), 'root@127.0.0.1', 'true']);
    expect(result.code).toBe(255); // ssh: authentication failed (255 is ssh's own error exit)
    expect(result.output).toContain('Permission denied');
  });

  it('fails with the secret id when passphraseFrom names nothing resolved', async () => {
    const error = await sshAgentStrategy()
      .prepare([secret('deploy_key', encrypted, { passphraseFrom: 'nope' })], context())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SECRET_INVALID', secretId: 'deploy_key' });
  });

  it('leaves no socket or directory after dispose, and dispose is idempotent', async () => {
    prepared = await sshAgentStrategy().prepare([secret('deploy_key', ed)], context());
    const socket = socketOf(prepared);
    expect(existsSync(socket)).toBe(true);
    await prepared.dispose();
    await prepared.dispose();
    expect(existsSync(socket)).toBe(false);
    expect(existsSync(dirname(socket))).toBe(false);
    expect((await withAgent(socket, 'ssh-add', ['-l'])).code).toBe(2); // ssh-add: cannot connect to the agent
  });

  it('starts nothing when a later key is bad', async () => {
    const before = await run('sh', ['-c', `ls -d ${join(process.env['BUILDSECRETS_TMPDIR'] ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir()), 'buildsecrets-ssh-*')} 2>/dev/null | wc -l`]);
    const bad: SecretForInjection = { id: 'broken', value: SecretValue.from('garbage'), config: { from: 'vault', ref: 'x', inject: 'ssh-agent' } };
    await expect(sshAgentStrategy().prepare([secret('deploy_key', ed), bad], context())).rejects.toMatchObject({ secretId: 'broken' });
    const after = await run('sh', ['-c', `ls -d ${join(process.env['BUILDSECRETS_TMPDIR'] ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir()), 'buildsecrets-ssh-*')} 2>/dev/null | wc -l`]);
    expect(after.stdout).toBe(before.stdout);
  });
});

describe('loading', () => {
  it('never loads ssh2 for a run that only imports the strategies', async () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "await import('./packages/core/src/strategies/ssh-agent/ssh-agent-strategy.ts');",
      "await import('./packages/core/src/strategies/served-file/served-file-strategy.ts');",
      'const cache = createRequire(import.meta.url).cache;',
      "console.log(Object.keys(cache).some((k) => k.includes('/node_modules/ssh2/')) ? 'loaded' : 'not-loaded');",
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '../../../../..') });
    expect(stdout.trim()).toBe('not-loaded');
  });
});
