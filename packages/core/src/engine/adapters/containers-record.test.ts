import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCanary } from '../../../../../test/setup/canary-values.js';
import { tempDir } from '../../../../../test/support/temp-dirs.js';
import { sweepStaleRuns } from '../../janitor/stale-sweep.js';
import { CONTAINERS_RECORD_FILE, finishRecordedBuild, parseContainersRecord, recordContainersBuild } from './containers-record.js';
import { containersBuildWatch, envCopyFingerprint } from './containers-watch.js';
import { removeFingerprintedCopies } from './env-secret-copies.js';

// A fake engine: logs its argv; `info` prints the fake graph root, `rm` removes the containers named.
// Its paths are written into it: the record keeps only the engine's storage variables.
const fakeEngine = (root: string, log: string): string => `#!/bin/sh
echo "$*" >> '${log}'
case "$1" in
  info) echo '${root}' ;;
  rm) shift; [ "$1" = --force ] && shift; for id in "$@"; do rm -rf '${root}'/overlay-containers/"$id"; done ;;
esac
`;

const VALUE = makeCanary('containers-record');

/** A fake engine and graph root holding one working container of run `runId`, with a secret copy, and its runtime bundle. */
async function scene(work: string, runId: string) {
  const root = join(work, 'storage');
  const bundles = join(work, 'bundles');
  const engine = join(work, 'podman');
  const log = join(work, 'engine.log');
  await writeFile(engine, fakeEngine(root, log));
  await chmod(engine, 0o755);
  const id = randomBytes(32).toString('hex');
  const userdata = join(root, 'overlay-containers', id, 'userdata');
  await mkdir(join(userdata, 'secrets'), { recursive: true });
  await writeFile(join(userdata, 'buildah.json'), JSON.stringify({ Args: { BUILDSECRETS_RUN_ID: runId } }));
  await writeFile(join(userdata, 'secrets', 'file_secret'), VALUE);
  const bundle = join(bundles, 'buildah4242');
  await mkdir(bundle, { recursive: true });
  await writeFile(join(bundle, 'hostname'), id.slice(0, 12));
  const env = { PATH: '/usr/bin:/bin', TMPDIR: bundles, BS_ENV_SECRET: VALUE };
  return { engine, log, container: join(root, 'overlay-containers', id), bundle, env };
}

describe('the record of a podman/buildah build, for a kill of buildsecrets and its watchdog together', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const path of made.splice(0)) await rm(path, { recursive: true, force: true });
  });

  it('is a 0600 file in a 0700 directory of this run under the secret temp root, holding no value, removed by its forget function', async () => {
    const secretRoot = await tempDir('bs-record-root-');
    const watch = containersBuildWatch('/usr/bin/podman', 'podman', randomBytes(12).toString('hex'), ['--secret', 'id=s,env=BS_ENV_SECRET'], { BS_ENV_SECRET: VALUE, TMPDIR: '/var/tmp' });
    const forget = await recordContainersBuild(watch, { BUILDSECRETS_TMPDIR: secretRoot });
    const [dir] = await readdir(secretRoot);
    expect(dir).toMatch(new RegExp(`^buildsecrets-containers-${process.pid}-\\w{6}$`));
    const file = join(secretRoot, dir!, CONTAINERS_RECORD_FILE);
    expect([statSync(join(secretRoot, dir!)).mode & 0o777, statSync(file).mode & 0o777]).toEqual([0o700, 0o600]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(VALUE);
    expect(parseContainersRecord(text)).toEqual(watch);
    await forget();
    expect(await readdir(secretRoot)).toEqual([]);
  });

  it('is refused when it is not exactly what was written: a relative engine path, a bad marker, a bad fingerprint, not JSON', () => {
    const watch = containersBuildWatch('/usr/bin/podman', 'podman', randomBytes(12).toString('hex'), [], {});
    const good = JSON.stringify(watch);
    expect(parseContainersRecord(good)).toEqual(watch);
    for (const bad of [{ ...watch, binary: 'podman' }, { ...watch, runId: 'x; rm -rf /' }, { ...watch, kind: 'docker' }, { ...watch, envCopies: [{ size: 3, salt: 'zz', digest: 'short' }] }, { ...watch, env: { PATH: 1 } }]) {
      expect(parseContainersRecord(JSON.stringify(bad))).toBeUndefined();
    }
    expect(parseContainersRecord('{not json')).toBeUndefined();
  });

  it('lets the next run\u2019s start-up sweep finish a dead run\u2019s build: its working container (secret copy included) and bundle removed through the engine, then the record', async () => {
    const work = await tempDir('bs-record-scene-');
    const secretRoot = join(work, 'secret-root');
    await mkdir(secretRoot);
    const runId = randomBytes(12).toString('hex');
    const s = await scene(work, runId);
    const forget = await recordContainersBuild(containersBuildWatch(s.engine, 'podman', runId, ['--secret', 'id=s,env=BS_ENV_SECRET'], s.env), { BUILDSECRETS_TMPDIR: secretRoot });
    // The run is killed with its watchdog: its record directory now carries a dead process's pid.
    const dead = spawn('true');
    await new Promise((resolve) => dead.once('exit', resolve));
    const [own] = await readdir(secretRoot);
    const orphan = join(secretRoot, own!.replace(`-${process.pid}-`, `-${dead.pid}-`));
    await rename(join(secretRoot, own!), orphan);
    made.push(orphan);

    const swept = await sweepStaleRuns({ BUILDSECRETS_TMPDIR: secretRoot, XDG_STATE_HOME: join(work, 'state') });

    expect(swept.engineBuilds).toEqual([runId]);
    expect(swept.removed).toEqual([orphan]);
    expect([existsSync(s.container), existsSync(s.bundle), existsSync(orphan)]).toEqual([false, false, false]);
    expect((await readFile(s.log, 'utf8')).trim().split('\n')).toEqual(['info --format {{.Store.GraphRoot}}', `rm --force ${s.container.split('/').pop()}`]);
    await forget();
  });

  it('does nothing for a directory without a record, and nothing for a live run\u2019s record', async () => {
    const work = await tempDir('bs-record-live-');
    expect(await finishRecordedBuild(work)).toBeUndefined();
    const runId = randomBytes(12).toString('hex');
    const s = await scene(work, runId);
    const secretRoot = join(work, 'secret-root');
    await mkdir(secretRoot);
    const forget = await recordContainersBuild(containersBuildWatch(s.engine, 'podman', runId, [], s.env), { BUILDSECRETS_TMPDIR: secretRoot });
    const swept = await sweepStaleRuns({ BUILDSECRETS_TMPDIR: secretRoot, XDG_STATE_HOME: join(work, 'state') });
    expect(swept.engineBuilds).toEqual([]);
    expect(existsSync(s.container)).toBe(true);
    await forget();
  });

  it('recognises an engine copy of an env-sourced value by its size and salted digest alone, and leaves another value of the same size', async () => {
    const dir = await tempDir('bs-record-shm-');
    const salt = randomBytes(16);
    const other = VALUE.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    await writeFile(join(dir, 'buildah111'), VALUE, { mode: 0o400 });
    await writeFile(join(dir, 'buildah222'), other, { mode: 0o400 });
    await writeFile(join(dir, 'notbuildah'), VALUE);
    expect(await removeFingerprintedCopies([envCopyFingerprint(VALUE, salt)], dir)).toEqual([join(dir, 'buildah111')]);
    expect((await readdir(dir)).sort()).toEqual(['buildah222', 'notbuildah']);
  });
});
