import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openImageSource } from './open-image-source.js';
import { parseImageReference } from './transport.js';

const work = mkdtempSync(join(tmpdir(), 'bs-open-source-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in docker whose `image inspect` knows exactly the images named in `known`. */
function fakeDocker(known: readonly string[]): string {
  const path = join(work, `docker-${known.length}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `#!/bin/sh\n[ "$1 $2" = "image inspect" ] || exit 9\nfor n in ${known.map((k) => `'${k}'`).join(' ')}; do [ "$5" = "$n" ] && echo sha256:1 && exit 0; done\nexit 1\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('transport names, as skopeo spells them', () => {
  it.each([
    ['docker://registry.example:5000/app:1.0', 'docker', 'registry.example:5000/app:1.0'],
    ['docker-daemon:app:latest', 'docker-daemon', 'app:latest'],
    ['docker-archive:./app.tar', 'docker-archive', './app.tar'],
    ['oci:./layout:v1', 'oci', './layout:v1'],
    ['oci-archive:/tmp/app.oci.tar', 'oci-archive', '/tmp/app.oci.tar'],
    ['containers-storage:localhost/app:latest', 'containers-storage', 'localhost/app:latest'],
    ['localhost:5000/app:tag', undefined, 'localhost:5000/app:tag'],
    ['app', undefined, 'app'],
  ])('%s', (text, transport, reference) => {
    expect(parseImageReference(text)).toEqual({ transport, reference });
  });

  it('refuses an empty reference and docker: without //, as usage errors', () => {
    expect(() => parseImageReference('oci:')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => parseImageReference('docker:app')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('openImageSource', () => {
  const file = join(work, 'app');
  writeFileSync(file, 'not read in these tests');

  it('refuses a bare word that is both a daemon image and a file, naming both transports', async () => {
    const err = await openImageSource('app', { docker: fakeDocker(['app']), cwd: work }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'USAGE' });
    expect(String((err as Error).message)).toMatch(/ambiguous[\s\S]*docker-daemon:app[\s\S]*docker-archive:app/);
  });

  it('reads a bare word as the file when the daemon does not know it, and as the image when no such file exists', async () => {
    expect(await openImageSource('app', { docker: fakeDocker([]), cwd: work })).toMatchObject({ transport: 'docker-archive', access: 'sequential' });
    expect(await openImageSource('other', { docker: fakeDocker(['other']), cwd: work })).toMatchObject({ transport: 'docker-daemon' });
  });

  it('with a transport, never asks the daemon and never guesses', async () => {
    expect(await openImageSource('docker-archive:app', { docker: fakeDocker(['app']), cwd: work })).toMatchObject({ transport: 'docker-archive' });
    expect(await openImageSource('docker-daemon:app', { docker: fakeDocker(['app']), cwd: work })).toMatchObject({ transport: 'docker-daemon' });
    mkdirSync(join(work, 'layout'));
    expect(await openImageSource('oci:layout:v2', { cwd: work })).toMatchObject({ transport: 'oci', access: 'random', name: `oci:${join(work, 'layout')}:v2` });
    await expect(openImageSource('oci-archive:missing.tar', { cwd: work })).rejects.toMatchObject({ code: 'AUDIT_FAILED' });
    await expect(openImageSource('oci:missing-dir', { cwd: work })).rejects.toMatchObject({ code: 'AUDIT_FAILED' });
  });

  it('opens docker:// as the registry source (nothing is contacted until it is listed)', async () => {
    const opened = await openImageSource('docker://registry.example:5000/team/app:1', { cwd: work, registry: { verify: true } });
    expect(opened).toMatchObject({ transport: 'docker', access: 'random', name: 'docker://registry.example:5000/team/app:1' });
    await opened.close();
  });
});
