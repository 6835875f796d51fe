// A private CNCF distribution registry (Debian's `docker-registry`) per test file: loopback only,
// storage in a temp dir, optional htpasswd (bcrypt) auth and optional TLS with a CA made here.
// Tests gate on it with `describeWithParts(name, LOCAL_REGISTRY_PARTS, …)` so a machine without it
// skips with one line and REQUIRE_E2E=1 fails.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGcpTestTls } from '@buildsecrets/test-kit';

/** The system binaries a local registry needs (`htpasswd` only for auth, `openssl` only for TLS). */
export const LOCAL_REGISTRY_PARTS = ['docker-registry', 'htpasswd', 'openssl'] as const;

/** How to start a {@link startLocalRegistry}. */
export interface LocalRegistryOptions {
  /** Require basic auth from an htpasswd file with one generated user (default false). */
  readonly auth?: boolean;
  /** Serve HTTPS with a certificate for 127.0.0.1/localhost signed by a throwaway CA (default false). */
  readonly tls?: boolean;
}

/** A running registry. Credentials are random per start; never print them. */
export interface LocalRegistry {
  /** `127.0.0.1`. */
  readonly host: string;
  readonly port: number;
  /** `127.0.0.1:PORT`: the registry part of an image reference. */
  readonly address: string;
  /** `http://…` or `https://…`, without a trailing slash. */
  readonly url: string;
  /** PEM of the CA that signed the server certificate (TLS only). */
  readonly caPem: string | undefined;
  /** A file holding `caPem` (TLS only), removed by stop(). */
  readonly caFile: string | undefined;
  /** The htpasswd user (auth only). */
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The registry's storage root (to corrupt a blob on disk, for example). */
  readonly storageDir: string;
  /** The registry's own log so far (for a failing test's message). */
  log(): string;
  /** Kill the registry (by pid) and remove its temp dir. Idempotent. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One GET /v2/ — resolves with the status, or undefined when nothing answers yet. */
function probe(url: string, caPem: string | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(`${url}/v2/`, { method: 'GET', timeout: 1000, ...(caPem ? { ca: caPem } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

function bcryptLine(username: string, password: string): string {
  // -i reads the password from stdin: it never appears on a command line. Cost 4 keeps tests fast.
  return execFileSync('htpasswd', ['-niB', '-C', '4', username], { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8').trim();
}

function configYaml(dir: string, port: number, options: LocalRegistryOptions): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (options.tls) lines.push('  tls:', `    certificate: ${join(dir, 'server.pem')}`, `    key: ${join(dir, 'server.key')}`);
  if (options.auth) lines.push('auth:', '  htpasswd:', '    realm: buildsecrets-test', `    path: ${join(dir, 'htpasswd')}`);
  return `${lines.join('\n')}\n`;
}

async function startOnce(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'bs-registry-'));
  const port = await freePort();
  let caPem: string | undefined;
  let caFile: string | undefined;
  if (options.tls) {
    const tls = createGcpTestTls();
    caPem = tls.caCert;
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, caPem);
    writeFileSync(join(dir, 'server.pem'), tls.serverCert);
    writeFileSync(join(dir, 'server.key'), tls.serverKey, { mode: 0o600 });
  }
  let username: string | undefined;
  let password: string | undefined;
  if (options.auth) {
    username = `user-${randomBytes(3).toString('hex')}`;
    password = `pw-${randomBytes(12).toString('hex')}`;
    writeFileSync(join(dir, 'htpasswd'), `${bcryptLine(username, password)}\n`, { mode: 0o600 });
  }
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, configYaml(dir, port, options));

  let log = '';
  const child: ChildProcess = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const collect = (chunk: Buffer): void => {
    if (log.length < 64_000) log += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', () => undefined);

  const scheme = options.tls ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => !exited && child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 3000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await probe(url, caPem);
    if (status === 200 || status === 401) break;
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not come up on ${url}${exited ? ' (it exited)' : ''}:\n${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    url,
    caPem,
    caFile,
    username,
    password,
    storageDir: join(dir, 'data'),
    log: () => log,
    stop,
  };
}

/**
 * Start a private `docker-registry` on 127.0.0.1 with a free port. The port is chosen just before
 * the start, so a lost race (another process took it) is retried with a new port.
 */
export async function startLocalRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}
