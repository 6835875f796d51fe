import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, expect, it } from 'vitest';
import { auditImage, SecretValue } from '@buildsecrets/core';
import { describeE2E, docker, E2E_BUILD_ARGS } from './support/engine.js';
import { killAll, runCli } from './fixtures/build/cli.js';
import { tempDirSync } from '../support/temp-dirs.js';

/*
 * Attribution outside `build`: `buildsecrets audit IMAGE --base BASE` on a real engine, and an
 * OCI layout (podman's `oci-archive`) audited with its base's diff_ids — values that came with the
 * base are pre-existing, values the image's own layers add are leaks.
 */

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'bs-e2e-audit-base-'));
const images: string[] = [];
const tag = (name: string): string => {
  const image = `bs-e2e-audit-base-${name}:${process.pid}`;
  images.push(image);
  return image;
};
const token = (label: string): string => `tok-${label}-${randomBytes(30).toString('hex')}`;

afterEach(() => killAll());
afterAll(async () => {
  await docker(['rmi', '-f', ...images]).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

/** A base image whose only layer holds `value` in /etc/vendor-token (docker import of a rootfs tar). */
async function importBase(name: string, value: string): Promise<string> {
  const rootfs = join(work, `${name}-rootfs`);
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc/vendor-token'), `${value}\n`);
  const archive = join(work, `${name}-rootfs.tar`);
  await run('tar', ['-C', rootfs, '-cf', archive, '.']);
  const image = tag(name);
  await docker(['import', archive, image]);
  return image;
}

/** An image FROM `base` that adds one layer holding `added` in /opt/added (no RUN: nothing to execute). */
async function buildOn(base: string, name: string, added: string): Promise<string> {
  const context = mkdtempSync(join(work, `${name}-ctx-`));
  writeFileSync(join(context, 'added'), added);
  writeFileSync(join(context, 'Dockerfile'), `FROM ${base}\nCOPY added /opt/added\n`);
  const image = tag(name);
  await docker(['build', ...E2E_BUILD_ARGS, '-q', '-t', image, context]);
  return image;
}

describeE2E('buildsecrets audit --base', () => {
  it('reports a value found only in the base image\'s layers as pre-existing (exit 0); without --base it is a leak (exit 3)', async () => {
    const inBase = token('in-base');
    const base = await importBase('base', inBase);
    const app = await buildOn(base, 'app', 'nothing secret here\n');

    const plain = await runCli(['audit', app, '--values-from-env', 'IN_BASE'], { IN_BASE: inBase });
    expect(plain.code).toBe(3);
    expect(plain.stdout).toMatch(/IN_BASE \(raw\)\s+layer sha256:[0-9a-f]{64}\s+\/etc\/vendor-token/);

    const attributed = await runCli(['audit', app, '--base', base, '--values-from-env', 'IN_BASE'], { IN_BASE: inBase });
    expect(attributed.code).toBe(0);
    expect(attributed.stdout + attributed.stderr).toMatch(/pre-existing/);
    expect(attributed.stdout + attributed.stderr).toContain("(1 from the base image, 1 from the build)");
    const json = await runCli(['audit', app, '--json', '--base', base, '--values-from-env', 'IN_BASE'], { IN_BASE: inBase });
    const report = JSON.parse(json.stdout) as { findings: unknown[]; preExisting: { secretId: string; location: { path?: string } }[]; stats: { baseLayers: number }; clean: boolean };
    expect(report.findings).toEqual([]);
    expect(report.preExisting.map((f) => [f.secretId, f.location.path])).toEqual([['IN_BASE', 'etc/vendor-token']]);
    expect(report.stats.baseLayers).toBe(1);
    for (const r of [plain, attributed, json]) expect(r.stdout + r.stderr).not.toContain(inBase);
  });

  it('a value the image\'s own layer adds is still a leak with --base (exit 3), next to the pre-existing one', async () => {
    const inBase = token('base-2');
    const added = token('added');
    const base = await importBase('base-2', inBase);
    const app = await buildOn(base, 'app-2', `${added}\n`);
    const run2 = await runCli(['audit', app, '--json', '--base', base, '--values-from-env', 'IN_BASE', 'ADDED'], { IN_BASE: inBase, ADDED: added });
    expect(run2.code).toBe(3);
    const report = JSON.parse(run2.stdout) as { findings: { secretId: string; location: { path?: string } }[]; preExisting: { secretId: string }[] };
    expect(report.findings.map((f) => [f.secretId, f.location.path])).toEqual([['ADDED', 'opt/added']]);
    expect(report.preExisting.map((f) => f.secretId)).toEqual(['IN_BASE']);
    expect(run2.stdout + run2.stderr).not.toContain(added);
  });

  it('a --base image that is not in the image store is a usage error (exit 2) naming it', async () => {
    const inBase = token('missing');
    const base = await importBase('base-3', inBase);
    const result = await runCli(['audit', base, '--base', 'bs-e2e-no-such-image:404', '--values-from-env', 'V'], { V: inBase });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('base image bs-e2e-no-such-image:404 cannot be used');
  });

  it('attributes base layers in an OCI layout (podman save --format oci-archive) by the config\'s diff_ids', async () => {
    const inBase = token('oci-base');
    const added = token('oci-added');
    const base = await importBase('oci-base', inBase);
    const app = await buildOn(base, 'oci-app', `${added}\n`);
    // Moved into a private podman store and written as an OCI archive (index.json, blobs by digest).
    // podman refuses a --runroot over 50 characters: a short directory of its own, in the run's TMPDIR.
    const store = tempDirSync('p-');
    const podman = (args: string[]) => run('podman', ['--root', join(store, 'root'), '--runroot', join(store, 'run'), '--storage-driver', 'vfs', ...args], { maxBuffer: 1 << 26 });
    const saved = join(work, 'app.docker.tar');
    await docker(['save', '-o', saved, app]);
    await podman(['load', '-i', saved]);
    const oci = join(work, 'app.oci.tar');
    await podman(['save', '--format', 'oci-archive', '-o', oci, app]);
    const { stdout: listing } = await run('tar', ['-tf', oci]);
    expect(listing).toContain('index.json');
    expect(listing).toContain('oci-layout');

    const baseDiffIds = JSON.parse((await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', base])).trim()) as string[];
    const secrets = [
      { id: 'in_base', value: SecretValue.from(inBase) },
      { id: 'added', value: SecretValue.from(added) },
    ];
    const attributed = await auditImage({ archive: oci, secrets, baseDiffIds: [baseDiffIds] });
    expect(attributed.findings.map((f) => f.secretId)).toEqual(['added']);
    expect(attributed.preExisting.map((f) => f.secretId)).toEqual(['in_base']);
    expect(attributed.stats.baseLayers).toBe(1);
    // OCI layouts name layers by blob digest: the pre-existing finding names the base's blob, not the added one's.
    const layerOf = (f: { location: { kind: string; layer?: string } }): string | undefined => (f.location.kind === 'layer' ? f.location.layer : undefined);
    expect(layerOf(attributed.preExisting[0]!)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(layerOf(attributed.preExisting[0]!)).not.toBe(layerOf(attributed.findings[0]!));

    const unattributed = await auditImage({ archive: oci, secrets });
    expect(unattributed.findings.map((f) => f.secretId).sort()).toEqual(['added', 'in_base']);
    expect(unattributed.preExisting).toEqual([]);
  });
});
