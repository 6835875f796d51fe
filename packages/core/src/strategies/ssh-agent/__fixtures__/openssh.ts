// Test support (excluded from the build): real OpenSSH keys, client and a private sshd on loopback.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A key pair made by ssh-keygen. */
export interface TestKey {
  readonly name: string;
  readonly privateKey: Buffer;
  readonly publicKey: string;
  /** `SHA256:…` from `ssh-keygen -lf`. */
  readonly fingerprint: string;
  readonly passphrase?: string;
}

/** Make a key with ssh-keygen: `type` ed25519/rsa/ecdsa, `pem` for the legacy PEM format. */
export async function makeKey(dir: string, name: string, type: string, options: { pem?: boolean; passphrase?: string; comment?: string } = {}): Promise<TestKey> {
  const file = join(dir, name);
  const args = ['-q', '-t', type, '-N', options.passphrase ?? '', '-C', options.comment ?? `${name}@buildsecrets-test`, '-f', file];
  if (type === 'rsa') args.push('-b', '2048');
  if (options.pem) args.push('-m', 'PEM');
  await run('ssh-keygen', args);
  const { stdout } = await run('ssh-keygen', ['-lf', `${file}.pub`]);
  return {
    name,
    privateKey: await readFile(file),
    publicKey: (await readFile(`${file}.pub`, 'utf8')).trim(),
    fingerprint: stdout.split(' ')[1] ?? '',
    ...(options.passphrase ? { passphrase: options.passphrase } : {}),
  };
}

/** The base64 body lines of a private key file: what a leak scan should look for. */
export function keyBodyLines(key: TestKey): string[] {
  return key.privateKey.toString('utf8').split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----') && !l.includes(':'));
}

/** Run a command with SSH_AUTH_SOCK at `socket`; never throws, returns the exit code and output. */
export async function withAgent(socket: string, command: string, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SSH_AUTH_SOCK: socket, ...extraEnv };
  return run(command, [...args], { env, timeout: 20_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sshd did not start listening within 10 s');
}

/** A private sshd on 127.0.0.1. */
export interface TestSshd {
  readonly port: number;
  /** Kill it by pid and wait for it to exit. */
  stop(): Promise<void>;
}

/** Start /usr/sbin/sshd with its own config, host key and authorized_keys under `dir`. */
export async function startSshd(dir: string, authorizedKeys: readonly string[]): Promise<TestSshd> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await writeFile(join(dir, 'authorized_keys'), `${authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'AllowAgentForwarding no',
    'LogLevel ERROR',
  ].join('\n');
  await writeFile(join(dir, 'sshd_config'), `${config}\n`);
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  await waitForPort(port, child);
  return {
    port,
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** ssh options that make the client use only the agent and trust the throwaway host key. */
export function sshClientArgs(port: number): string[] {
  return [
    '-F', '/dev/null',
    '-p', String(port),
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=no',
    '-o', 'PreferredAuthentications=publickey',
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    '-o', 'ConnectTimeout=10',
  ];
}
