import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecretValue } from '../../secret-value.js';
import { newAccessToken } from './access-token.js';
import { servedFileHelperPath, servedFileHelperScript } from './helper-script.js';
import { startSecretServer, type SecretServer } from './secret-server.js';

const run = promisify(execFile);
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p)) ?? '/bin/busybox';
const VALUE = 'canary-helper-value-0d9e\nsecond line';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the buildsecrets-fetch helper (busybox sh against the real server)', () => {
  let work = '';
  let bin = '';
  let server: SecretServer;
  let token = '';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bs-helper-test-'));
    // A PATH of busybox applets only (like the busybox image), so the wget branch is the one tested.
    bin = join(work, 'bin');
    await run(BUSYBOX, ['mkdir', '-p', bin]);
    const { stdout } = await run(BUSYBOX, ['--list']);
    await Promise.all(stdout.split('\n').filter(Boolean).map((applet) => symlink(BUSYBOX, join(bin, applet))));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));
  afterEach(() => server?.close());

  async function serve(ids: string[]): Promise<void> {
    token = newAccessToken();
    server = await startSecretServer({
      host: '127.0.0.1',
      port: 0,
      token,
      secrets: new Map(ids.map((id) => [id, { value: SecretValue.from(VALUE), maxReads: 1 }])),
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
  }

  async function helper(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
    const dir = join(work, 'run');
    const options = { env: { PATH: bin, BUILDSECRETS_URL: server.url, BUILDSECRETS_TOKEN: token, BUILDSECRETS_DIR: dir, ...env }, cwd: work, timeout: 20_000 };
    return run(join(bin, 'sh'), [servedFileHelperPath(), ...args], options).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
    );
  }

  const leftovers = async (): Promise<string[]> => (existsSync(join(work, 'run')) ? readdir(join(work, 'run'), { recursive: true }) : []);

  it('fetches each secret to a private file, runs the command with its path, then deletes it', async () => {
    await serve(['npm_token', 'db.pass']);
    const out = await helper(['npm_token', 'db.pass', '--', 'sh', '-c', 'stat -c %a "$BUILDSECRETS_FILE_NPM_TOKEN"; cat "$BUILDSECRETS_FILE_DB_PASS" > "$0/copy"', work]);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout.trim()).toBe('600');
    expect(await readFile(join(work, 'copy'), 'utf8')).toBe(VALUE);
    expect(await leftovers()).toEqual([]);
    await rm(join(work, 'copy'));
  });

  it('passes the command exit status through and still deletes the files', async () => {
    await serve(['npm_token']);
    const out = await helper(['npm_token', '--', 'sh', '-c', 'exit 7']);
    expect(out.code).toBe(7);
    expect(await leftovers()).toEqual([]);
  });

  it('fails without running the command when a fetch is refused', async () => {
    await serve(['npm_token']);
    const marker = join(work, 'ran');
    const out = await helper(['npm_token', 'missing', '--', 'touch', marker]);
    expect(out.code).toBe(1); // the script's "could not fetch" exit
    expect(out.stderr).toContain("could not fetch secret 'missing'; the command was not run");
    expect(existsSync(marker)).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('fails without running the command when the token is wrong or the server is gone', async () => {
    await serve(['npm_token']);
    const marker = join(work, 'ran');
    expect((await helper(['npm_token', '--', 'touch', marker], { BUILDSECRETS_TOKEN: newAccessToken() })).code).toBe(1);
    await server.close();
    expect((await helper(['npm_token', '--', 'touch', marker])).code).toBe(1);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses bad usage before fetching anything', async () => {
    await serve(['npm_token']);
    for (const args of [['npm_token'], ['--', 'true'], ['npm_token', '--'], ['../x', '--', 'true'], ['a b', '--', 'true']]) {
      expect((await helper(args)).code).toBe(2);
    }
    expect((await helper(['npm_token', '--', 'true'], { BUILDSECRETS_TOKEN: '' })).code).toBe(2);
    // Nothing above spent the read.
    expect((await helper(['npm_token', '--', 'true'])).code).toBe(0);
  });

  it('uses curl with the token on stdin when curl is on PATH', async () => {
    const curl = ['/usr/bin/curl', '/bin/curl'].find((p) => existsSync(p));
    expect(curl, 'curl is installed on the test machine').toBeDefined();
    const withCurl = join(work, 'bin-curl');
    await run(BUSYBOX, ['cp', '-a', bin, withCurl]);
    await symlink(curl ?? '', join(withCurl, 'curl'));
    await serve(['npm_token']);
    const out = await helper(['npm_token', '--', 'sh', '-c', 'cat "$BUILDSECRETS_FILE_NPM_TOKEN"'], { PATH: withCurl });
    expect(out).toMatchObject({ code: 0, stdout: VALUE });
  });

  it('ships as a readable text script', async () => {
    expect(await servedFileHelperScript()).toMatch(/^#!\/bin\/sh\n/);
  });
});
