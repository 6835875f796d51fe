import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { servedFileHelperPath } from '@buildsecrets/core';
import { makeKey, type TestKey } from '../../packages/core/src/strategies/ssh-agent/__fixtures__/openssh.js';
import { describeE2E, docker } from '../e2e/support/engine.js';
import { canary, killAll, processesWithArg, startCli, type CliRun } from '../e2e/fixtures/build/cli.js';

// Eight `buildsecrets build` runs at once on one engine, sharing one secret temp root, each with
// its own served-file secret and its own ssh-agent key: each build sees only its own values,
// asking its server for another run's id is refused, the concurrent start-up sweeps never touch a
// live run's files, and every run tears down completely.
const RUNS = 8;
const IMAGE = 'buildsecrets-test/busybox:latest';
// ssh-add comes from a bind mount, never a layer: its binary holds the "BEGIN OPENSSH PRIVATE KEY"
// armour line, which the audit rightly counts as a line of the private key.
const SSH_ADD = '/tools/lib64/ld-linux-x86-64.so.2 --library-path /tools/lib/x86_64-linux-gnu /tools/usr/bin/ssh-add';

function dockerfile(own: string, other: string): string {
  return [
    `FROM ${IMAGE}`,
    'COPY buildsecrets-fetch /usr/local/bin/buildsecrets-fetch',
    'ARG BUILDSECRETS_URL',
    'ARG BUILDSECRETS_TOKEN',
    'ARG NONCE',
    `RUN --mount=type=tmpfs,target=/run/buildsecrets sh /usr/local/bin/buildsecrets-fetch ${own} -- sh -c 'sha256sum "$BUILDSECRETS_FILE_${own.toUpperCase()}" | cut -d" " -f1 > /proof-api'`,
    // Another run's id, asked of this run's server with this run's own (valid) token: refused.
    `RUN --mount=type=tmpfs,target=/run/buildsecrets umask 077 && printf %s "\${BUILDSECRETS_TOKEN#*=}" > /run/buildsecrets/t && if wget -q --post-file /run/buildsecrets/t -O /dev/null "$BUILDSECRETS_URL/v1/secrets/${other}"; then echo FETCHED > /proof-other; else echo refused > /proof-other; fi`,
    // Fingerprints, not public keys: an OpenSSH private key embeds its public key, which the audit would rightly flag.
    `RUN --mount=type=bind,from=buildsecrets-test/ssh-tools:latest,target=/tools --mount=type=ssh,required=true ${SSH_ADD} -l > /proof-ssh`,
    '',
  ].join('\n');
}

describeE2E('reliability: 8 builds at once on one engine stay apart (served-file and ssh-agent)', () => {
  let work = '';
  let shared = '';
  const keys: TestKey[] = [];
  const tags: string[] = [];
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bs-rel-parallel-'));
    shared = await mkdtemp(join(tmpdir(), 'bs-rel-parallel-tmp-'));
    for (let i = 0; i < RUNS; i++) keys.push(await makeKey(work, `run${i}`, 'ed25519', { comment: `parallel-run-${i}` }));
  });
  afterAll(async () => {
    killAll();
    for (const tag of tags) await docker(['rmi', '-f', tag]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    await rm(shared, { recursive: true, force: true });
  });

  it('each of 8 concurrent runs sees only its own served-file value and its own ssh identity; all tear down', async () => {
    const runs: { run: CliRun; value: string; tag: string; key: TestKey }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = join(work, `ctx${i}`);
      await mkdir(dir);
      const own = `api_${i}`;
      await writeFile(join(dir, 'Dockerfile'), dockerfile(own, `api_${(i + 1) % RUNS}`));
      await copyFile(servedFileHelperPath(), join(dir, 'buildsecrets-fetch'));
      const config = join(dir, 'buildsecrets.json');
      await writeFile(config, JSON.stringify({ version: 1, providers: { local: { use: 'env' } }, secrets: { [own]: { from: 'local', ref: 'API_VALUE', inject: 'served-file' }, deploy: { from: 'local', ref: 'DEPLOY_KEY', inject: 'ssh-agent' } } }));
      const secret = canary(`parallel-${i}`);
      const tag = `bs-rel-parallel-${i}-${secret.nonce}`;
      tags.push(tag);
      const key = keys[i]!;
      const run = startCli(['build', '--config', config, '--network=host', '--no-cache', '--progress=plain', '-t', tag, '--build-arg', `NONCE=${secret.nonce}`, dir], {
        API_VALUE: secret.value,
        DEPLOY_KEY: key.privateKey.toString('utf8'),
        BUILDSECRETS_TMPDIR: shared,
      });
      runs.push({ run, value: secret.value, tag, key });
    }
    const exits = await Promise.all(runs.map((r) => r.run.exit(600_000)));
    exits.forEach((exit, i) => expect([i, exit.code], runs[i]?.run.stderr().slice(-1500)).toEqual([i, 0]));

    for (const { value, tag, key, run } of runs) {
      const proof = (file: string): Promise<string> => docker(['run', '--rm', '--network', 'none', tag, 'cat', file]).then((s) => s.trim());
      expect(await proof('/proof-api')).toBe(createHash('sha256').update(value).digest('hex'));
      expect(await proof('/proof-other')).toBe('refused');
      // Exactly one identity, this run's own.
      const identities = (await proof('/proof-ssh')).split('\n');
      expect(identities).toHaveLength(1);
      expect(identities[0]).toContain(key.fingerprint);
      expect(run.stdout() + run.stderr()).not.toContain(value);
      for (const other of runs) if (other.value !== value) expect(run.stdout() + run.stderr()).not.toContain(other.value);
    }
    // Teardown completed for all: nothing in the shared temp root, no engine process left.
    expect(await readdir(shared)).toEqual([]);
    for (const { tag } of runs) expect(await processesWithArg(tag)).toEqual([]);
  }, 900_000);
});
