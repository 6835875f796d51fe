import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { SecretValue } from '../../secret-value.js';
import { newAccessToken } from './access-token.js';
import { servedFileHelperPath, servedFileHelperScript } from './helper-script.js';
import { startSecretServer, type SecretServer } from './secret-server.js';
import { formatTokenList } from './token-list.js';
import { describeWithParts } from '../../../../../test/support/system-parts.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';
import { allowCanaryOutput } from '../../../../../test/setup/canary.js';

const run = promisify(execFile);
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p)) ?? 'busybox';
const VALUE = `${makeCanary('helper-value')}\nsecond line`;
const PRINT_TOKEN_FILE = 'cat "$BUILDSECRETS_FILE_NPM_TOKEN"';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describeWithParts('the buildsecrets-fetch helper (busybox sh against the real server)', [BUSYBOX], () => {
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
    const tokens = new Map(ids.map((id) => [id, newAccessToken()]));
    token = formatTokenList(tokens);
    server = await startSecretServer({
      host: '127.0.0.1',
      port: 0,
      secrets: new Map(ids.map((id) => [id, { value: SecretValue.from(VALUE), token: tokens.get(id) ?? '', maxReads: 1 }])),
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
  }

  async function helper(args: string[], env: Record<string, string> = {}, shell = join(bin, 'sh')): Promise<Outcome> {
    const dir = join(work, 'run');
    const options = { env: { PATH: bin, BUILDSECRETS_URL: server.url, BUILDSECRETS_TOKEN: token, BUILDSECRETS_DIR: dir, ...env }, cwd: work, timeout: 20_000 };
    return run(shell, [servedFileHelperPath(), ...args], options).then(
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

  it('leaves the value intact for a reader outside the helper that reads the command\'s output late (cleanup never rewrites pages a pipe still holds)', async () => {
    allowCanaryOutput(/^child .* stdout$/, 'the slow reader prints what it got from the helper, to prove the bytes arrived intact');
    await serve(['npm_token']);
    // busybox cat sendfile()s the file into the pipe; the reader starts only after the helper has cleaned up.
    const script = `sh "$0" npm_token -- sh -c 'cat "$BUILDSECRETS_FILE_NPM_TOKEN"' | (sleep 1; cat)`;
    const { stdout } = await run(join(bin, 'sh'), ['-c', script, servedFileHelperPath()], { env: { PATH: bin, BUILDSECRETS_URL: server.url, BUILDSECRETS_TOKEN: token, BUILDSECRETS_DIR: join(work, 'run') }, cwd: work, timeout: 20_000 });
    expect(stdout).toBe(VALUE);
    expect(await leftovers()).toEqual([]);
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
    expect((await helper(['npm_token', '--', 'touch', marker], { BUILDSECRETS_TOKEN: `npm_token=${newAccessToken()}` })).code).toBe(1);
    const other = await helper(['npm_token', '--', 'touch', marker], { BUILDSECRETS_TOKEN: `other=${newAccessToken()}` });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("BUILDSECRETS_TOKEN has no token for 'npm_token'");
    await server.close();
    expect((await helper(['npm_token', '--', 'touch', marker])).code).toBe(1);
    expect(existsSync(marker)).toBe(false);
  });

  it('a token stolen and used first: the build step fails loudly, and the server names the raced id', async () => {
    await serve(['npm_token', 'other']);
    const stolen = token.split(' ').find((p) => p.startsWith('npm_token='))?.slice('npm_token='.length) ?? '';
    const theft = await fetch(`${server.url}/v1/secrets/npm_token`, { headers: { Authorization: `Bearer ${stolen}` } });
    expect(theft.status).toBe(200);
    await theft.arrayBuffer();
    // The thief's token opens nothing else.
    expect((await fetch(`${server.url}/v1/secrets/other`, { headers: { Authorization: `Bearer ${stolen}` } })).status).toBe(403);
    const marker = join(work, 'ran');
    const out = await helper(['npm_token', '--', 'touch', marker]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("could not fetch secret 'npm_token'; the command was not run");
    expect(existsSync(marker)).toBe(false);
    expect(server.replayed).toEqual(['npm_token']);
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
    allowCanaryOutput(/^child .* stdout$/, 'the build step run by the helper cats the fetched file, to prove the bytes arrived');
    const curl = ['/usr/bin/curl', '/bin/curl'].find((p) => existsSync(p));
    expect(curl, 'curl is installed on the test machine').toBeDefined();
    const withCurl = join(work, 'bin-curl');
    await run(BUSYBOX, ['cp', '-a', bin, withCurl]);
    await symlink(curl ?? '', join(withCurl, 'curl'));
    await serve(['npm_token']);
    const out = await helper(['npm_token', '--', 'sh', '-c', PRINT_TOKEN_FILE], { PATH: withCurl });
    expect(out).toMatchObject({ code: 0, stdout: VALUE });
  });

  it('uses GNU wget with the token POSTed from a private file when GNU wget is on PATH (under dash)', async () => {
    allowCanaryOutput(/^child .* stdout$/, 'the build step run by the helper cats the fetched file, to prove the bytes arrived');
    const gnuWget = ['/usr/bin/wget'].find((p) => existsSync(p));
    const dash = ['/usr/bin/dash', '/bin/dash'].find((p) => existsSync(p));
    expect(gnuWget, 'GNU wget is installed on the test machine').toBeDefined();
    expect(dash, 'dash is installed on the test machine').toBeDefined();
    const withWget = join(work, 'bin-wget');
    await run(BUSYBOX, ['cp', '-a', bin, withWget]);
    await rm(join(withWget, 'wget'));
    // Likewise busybox timeout(1) would exec its own wget applet: use coreutils', as Debian has it.
    await rm(join(withWget, 'timeout'));
    await symlink('/usr/bin/timeout', join(withWget, 'timeout'));
    // busybox sh would run its own wget applet whatever PATH says: dash (Debian's sh) runs this
    // wrapper, which proves GNU wget did the fetch.
    const ran = join(work, 'gnu-wget-ran');
    await writeFile(join(withWget, 'wget'), `#!${dash}\n${gnuWget} --version | head -1 > ${ran}\nexec ${gnuWget} "$@"\n`, { mode: 0o755 });
    await serve(['npm_token']);
    const out = await helper(['npm_token', '--', 'sh', '-c', `${PRINT_TOKEN_FILE}; ls -A "$(dirname "$BUILDSECRETS_FILE_NPM_TOKEN")"`], { PATH: withWget }, dash);
    expect(await readFile(ran, 'utf8')).toMatch(/^GNU Wget/);
    // The token file is gone before the command runs: only the secret's own file is listed.
    expect(out).toMatchObject({ code: 0, stdout: `${VALUE}npm_token\n` });
    expect(await leftovers()).toEqual([]);
  });

  it('ships as a readable text script', async () => {
    expect(await servedFileHelperScript()).toMatch(/^#!\/bin\/sh\n/);
  });
});
