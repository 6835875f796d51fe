import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortedError, AuditError, UsageError } from '@buildsecrets/base';
import { SecretValue } from '@buildsecrets/base';
import { dockerArchive, fixtureDiffId, tar } from './__fixtures__/tar-builder.js';
import { auditImage } from './audit-image.js';
import { zstdDecompressor } from './blob-format.js';
import { formatAuditReport } from './format-report.js';
import type { AuditReport } from './types.js';
import { makeCanary } from '../../../test/setup/canary-values.js';

const TOKEN = makeCanary('npm');
const PEM = '-----BEGIN TEST KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7\nAgEAAkEAz3Yq8Yh1Ve0PCWXcz9nGq1o2b3c4d5e6\n-----END TEST KEY-----\n';
const secrets = [
  { id: 'npm_token', value: SecretValue.from(TOKEN) },
  { id: 'deploy_key', value: SecretValue.from(PEM) },
  { id: 'pin', value: SecretValue.from('4711') },
];

const dir = mkdtempSync(join(tmpdir(), 'bs-audit-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(data: Buffer): string {
  const path = join(dir, `archive-${n++}.tar`);
  writeFileSync(path, data);
  return path;
}

function assertNoValues(report: AuditReport): void {
  const text = `${JSON.stringify(report)}\n${formatAuditReport(report, { color: true })}`;
  for (const v of [TOKEN, Buffer.from(TOKEN).toString('base64'), Buffer.from(TOKEN).toString('hex'), 'MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7']) expect(text).not.toContain(v);
}

const baseConfig = { config: { Env: ['PATH=/bin'], Cmd: ['sh'] }, history: [{ created_by: 'ADD rootfs /' }] };

describe('auditImage on archives', () => {
  it('finds values in layer files (gzip or not), in deleted files, and names the layer digest', async () => {
    const lower = tar([{ name: 'app/' }, { name: 'app/.npmrc', body: `//registry/:_authToken=${TOKEN}\n` }, { name: 'app/ok.txt', body: 'fine' }]);
    const upper = tar([{ name: 'app/.wh..npmrc', body: '' }, { name: 'data/blob.b64', body: Buffer.from(`xy${TOKEN}trailer`).toString('base64') }]);
    for (const gzip of [false, true]) {
      const report = await auditImage({ archive: file(dockerArchive([lower, upper], baseConfig, { gzip })), secrets });
      expect(report.findings).toEqual([
        { secretId: 'npm_token', encoding: 'raw', location: { kind: 'layer', layer: fixtureDiffId(0), path: 'app/.npmrc', deletedInLayer: fixtureDiffId(1) } },
        { secretId: 'npm_token', encoding: 'base64', location: { kind: 'layer', layer: fixtureDiffId(1), path: 'data/blob.b64' } },
      ]);
      expect(report.stats).toEqual({ layers: 2, baseLayers: 0, files: 3, bytes: expect.any(Number) });
      expect(report.tooShort).toEqual(['pin']);
      expect(report.clean).toBe(false);
      assertNoValues(report);
    }
  });

  it('notes files hidden by an opaque directory in a later layer', async () => {
    const lower = tar([{ name: 'cache/deep/token', body: TOKEN }]);
    const upper = tar([{ name: 'cache/.wh..wh..opq', body: '' }]);
    const report = await auditImage({ archive: file(dockerArchive([lower, upper], baseConfig)), secrets });
    expect(report.findings[0]?.location).toEqual({ kind: 'layer', layer: fixtureDiffId(0), path: 'cache/deep/token', deletedInLayer: fixtureDiffId(1) });
  });

  it('names config fields and history steps', async () => {
    const config = {
      config: { Env: ['PATH=/bin', `NPM_TOKEN=${TOKEN}`], Labels: { 'org.key': encodeURIComponent(PEM) }, Entrypoint: ['run', Buffer.from(TOKEN).toString('hex')] },
      history: [{ created_by: 'ADD rootfs /' }, { created_by: `|1 NPM_TOKEN=${TOKEN} /bin/sh -c make`, comment: 'buildkit.dockerfile.v0' }],
    };
    const report = await auditImage({ archive: file(dockerArchive([tar([{ name: 'a', body: 'x' }])], config)), secrets });
    expect(report.findings).toEqual([
      { secretId: 'npm_token', encoding: 'raw', location: { kind: 'config', field: 'config.Env[1]' } },
      { secretId: 'deploy_key', encoding: 'url', location: { kind: 'config', field: 'config.Labels.org.key' } },
      { secretId: 'npm_token', encoding: 'hex', location: { kind: 'config', field: 'config.Entrypoint[1]' } },
      { secretId: 'npm_token', encoding: 'raw', location: { kind: 'config', field: 'history.created_by', historyIndex: 1 } },
    ]);
    assertNoValues(report);
  });

  it('finds each line of a multi-line value re-flowed in a file, and the whole value JSON-escaped', async () => {
    const crlf = PEM.replace(/\n/g, '\r\n');
    const layer = tar([{ name: 'k.pem', body: crlf }, { name: 'conf.json', body: JSON.stringify({ key: PEM }) }]);
    const report = await auditImage({ archive: file(dockerArchive([layer], baseConfig)), secrets });
    const byPath = (p: string): string[] => report.findings.filter((f) => f.location.kind === 'layer' && f.location.path === p).map((f) => f.encoding);
    expect(new Set(byPath('k.pem'))).toEqual(new Set(['line']));
    expect(byPath('conf.json')).toEqual(['json']);
    assertNoValues(report);
  });

  it('masks a value used as a file name instead of printing it', async () => {
    const report = await auditImage({ archive: file(dockerArchive([tar([{ name: `tmp/${TOKEN}.txt`, body: 'x' }])], baseConfig)), secrets });
    expect(report.findings).toEqual([{ secretId: 'npm_token', encoding: 'raw', location: { kind: 'layer', layer: fixtureDiffId(0), path: 'tmp/***.txt' } }]);
  });

  it('reads an OCI layout and reports blob digests and manifest annotations', async () => {
    const layer = gzipSync(tar([{ name: 'secret.txt', body: TOKEN }]));
    const layerDigest = `sha256:${'1'.repeat(64)}`;
    const configDigest = `sha256:${'2'.repeat(64)}`;
    const manifestDigest = `sha256:${'3'.repeat(64)}`;
    const manifest = { schemaVersion: 2, config: { digest: configDigest }, layers: [{ digest: layerDigest }], annotations: { note: TOKEN } };
    const archive = tar([
      { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
      { name: `blobs/sha256/${'1'.repeat(64)}`, body: layer },
      { name: `blobs/sha256/${'2'.repeat(64)}`, body: JSON.stringify(baseConfig) },
      { name: `blobs/sha256/${'3'.repeat(64)}`, body: JSON.stringify(manifest) },
      { name: 'index.json', body: JSON.stringify({ schemaVersion: 2, manifests: [{ digest: manifestDigest }] }) },
    ]);
    const report = await auditImage({ archive: file(archive), secrets });
    expect(report.findings).toEqual([
      { secretId: 'npm_token', encoding: 'raw', location: { kind: 'layer', layer: layerDigest, path: 'secret.txt' } },
      { secretId: 'npm_token', encoding: 'raw', location: { kind: 'manifest', file: `blobs/sha256/${'3'.repeat(64)}`, field: 'annotations.note' } },
    ]);
  });

  if (zstdDecompressor()) {
    it('scans a real zstd layer on a Node that has zstd (22.15+)', async () => {
      const compress = (zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer }).zstdCompressSync;
      const layer = compress(tar([{ name: 'etc/token', body: TOKEN }]));
      const report = await auditImage({ archive: file(dockerArchive([tar([{ name: 'a', body: 'x' }]), layer], baseConfig)), secrets });
      expect(report.unscanned).toEqual([]);
      expect(report.findings).toEqual([{ secretId: 'npm_token', encoding: 'raw', location: { kind: 'layer', layer: fixtureDiffId(1), path: 'etc/token' } }]);
    });
  } else {
    it('reports a zstd layer as unscanned on a Node without zstd instead of skipping it silently', async () => {
      const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(600, 1)]);
      const report = await auditImage({ archive: file(dockerArchive([tar([{ name: 'a', body: 'x' }]), zstd], baseConfig)), secrets });
      expect(report.unscanned).toEqual([{ layer: fixtureDiffId(1), reason: expect.stringMatching(/^zstd not supported by this Node/) }]);
      expect(report.clean).toBe(false);
      expect(formatAuditReport(report)).toContain('audit is incomplete');
    });
  }

  it('names a layer whose compressed data is corrupt as unscanned, and still reads the layers after it', async () => {
    const good = gzipSync(tar([{ name: 'etc/token', body: TOKEN }]));
    const corrupt = Buffer.from(gzipSync(tar([{ name: 'big', body: Buffer.alloc(4096, 7) }])));
    corrupt.fill(0x55, 20, 60);
    const report = await auditImage({ archive: file(dockerArchive([corrupt, good], baseConfig)), secrets });
    expect(report.unscanned).toEqual([{ layer: fixtureDiffId(0), reason: expect.stringMatching(/gzip data is corrupt/) }]);
    expect(report.findings.map((f) => f.location.kind === 'layer' && f.location.layer)).toEqual([fixtureDiffId(1)]);
    expect(report.clean).toBe(false);
  });

  it('searches every PAX record (global headers and xattrs too) and the ustar owner names', async () => {
    // ustar owner names hold 31 bytes and a NUL: a value that fits, still a canary.
    const owner = makeCanary('o').slice(0, 31);
    const layer = tar([
      { name: 'a.txt', body: 'x', pax: { 'SCHILY.xattr.user.note': TOKEN } },
      { name: 'b.txt', body: 'x', globalPax: { comment: Buffer.from(TOKEN).toString('base64') } },
      { name: 'c.txt', body: 'x', uname: owner },
      { name: 'd.txt', body: 'x', gname: owner },
    ]);
    const report = await auditImage({ archive: file(dockerArchive([layer], baseConfig)), secrets: [...secrets, { id: 'owner', value: SecretValue.from(owner) }] });
    const where = report.findings.map((f) => `${f.location.kind === 'layer' ? f.location.path : ''}:${f.encoding}`);
    expect(where).toEqual(['a.txt:raw', 'b.txt:base64', 'c.txt:raw', 'd.txt:raw']);
  });

  it('reports values found only in base-image layers as pre-existing, and values the build wrote as findings', async () => {
    const base = tar([{ name: 'bin/tool', body: `strings ${TOKEN} more` }]);
    const added = tar([{ name: 'app/config', body: `token=${TOKEN}` }]);
    const archive = file(dockerArchive([base, added], baseConfig));
    const attributed = await auditImage({ archive, secrets, baseDiffIds: [[fixtureDiffId(0)], [`sha256:${'f'.repeat(64)}`]] });
    expect(attributed.preExisting).toEqual([{ secretId: 'npm_token', encoding: 'raw', location: { kind: 'layer', layer: fixtureDiffId(0), path: 'bin/tool' } }]);
    expect(attributed.findings).toEqual([{ secretId: 'npm_token', encoding: 'raw', location: { kind: 'layer', layer: fixtureDiffId(1), path: 'app/config' } }]);
    expect(attributed.stats.baseLayers).toBe(1);
    expect(formatAuditReport(attributed)).toContain('1 pre-existing: found only in base-image layers');
    // Without a base, nothing is attributed: both are findings.
    const plain = await auditImage({ archive, secrets });
    expect(plain.findings).toHaveLength(2);
    expect(plain.preExisting).toEqual([]);
    expect(formatAuditReport(plain)).toContain('none attributed to a base image');
  });

  it('attributes only the common bottom layers: a base whose layers differ attributes nothing', async () => {
    const archive = file(dockerArchive([tar([{ name: 'a', body: TOKEN }]), tar([{ name: 'b', body: 'x' }])], baseConfig));
    const report = await auditImage({ archive, secrets, baseDiffIds: [[`sha256:${'e'.repeat(64)}`, fixtureDiffId(1)]] });
    expect(report.stats.baseLayers).toBe(0);
    expect(report.findings).toHaveLength(1);
  });

  it('reports a clean image as clean', async () => {
    const report = await auditImage({ archive: file(dockerArchive([tar([{ name: 'etc/hostname', body: 'box' }])], baseConfig)), secrets });
    expect(report).toMatchObject({ findings: [], unscanned: [], clean: true });
    expect(formatAuditReport(report)).toMatch(/^✓ no secret values found/);
  });

  it('fails with typed errors for truncated or missing archives and bad options', async () => {
    const whole = dockerArchive([gzipSync(tar([{ name: 'a', body: 'x'.repeat(5000) }]))], baseConfig);
    await expect(auditImage({ archive: file(whole.subarray(0, 700)), secrets })).rejects.toBeInstanceOf(AuditError);
    const corrupt = dockerArchive([Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(2000, 0x55)])], baseConfig);
    // A broken layer inside a readable archive is named as unscanned (the caller fails closed on it).
    expect((await auditImage({ archive: file(corrupt), secrets })).unscanned).toEqual([{ layer: fixtureDiffId(0), reason: 'its gzip data is corrupt (Z_DATA_ERROR)' }]);
    await expect(auditImage({ archive: join(dir, 'missing.tar'), secrets })).rejects.toSatisfy((e) => e instanceof AuditError && /was not found/.test((e as Error).message));
    await expect(auditImage({ secrets })).rejects.toBeInstanceOf(UsageError);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(auditImage({ archive: join(dir, 'any.tar'), secrets, signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });

  it('fails with a typed error when the docker binary is missing', async () => {
    await expect(auditImage({ image: 'x', docker: join(dir, 'no-docker'), secrets })).rejects.toSatisfy((e) => e instanceof AuditError && /was not found/.test((e as Error).message));
  });
});
