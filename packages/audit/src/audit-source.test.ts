import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { archiveFile } from './archive-stream.js';
import { auditSource } from './audit-source.js';
import { formatAuditReport } from './format-report.js';
import { layoutTar, ociLayout, writeLayout } from './__fixtures__/oci-builder.js';
import { tar } from './__fixtures__/tar-builder.js';
import { ociLayoutSource } from './source/oci-layout-source.js';
import { tarStreamSource } from './source/tar-stream-source.js';
import { makeCanary } from '../../../test/setup/canary-values.js';

const work = mkdtempSync(join(tmpdir(), 'bs-audit-source-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TOKEN = makeCanary('platform-token');
const secrets = [{ id: 'npm_token', value: SecretValue.from(TOKEN) }];
const shared = tar([{ name: 'etc/os-release', body: 'ID=fixture\n' }]);
const leak = tar([{ name: 'app/.npmrc', body: `//registry/:_authToken=${TOKEN}\n` }]);
const fine = tar([{ name: 'app/.npmrc', body: 'registry=https://registry.example/\n' }]);

/** amd64 is clean; arm64 wrote the token; amd64's provenance recorded it as a build argument. */
const index = ociLayout(
  [
    { platform: { os: 'linux', architecture: 'amd64' }, layers: [shared, fine], attestation: [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: { invocation: { parameters: { args: { 'build-arg:NPM_TOKEN': TOKEN } } } } }] },
    { platform: { os: 'linux', architecture: 'arm64' }, layers: [shared, leak], attestation: [{ predicateType: 'https://spdx.dev/Document', predicate: { name: 'sbom' } }] },
  ],
  { gzip: true },
);

const sources = {
  'oci: (random access, layers scanned concurrently)': () => ociLayoutSource(writeLayout(index, join(work, `dir-${Math.random()}`))),
  'oci-archive: (one sequential pass)': () => {
    const path = join(work, `index-${Math.random()}.tar`);
    writeFileSync(path, layoutTar(index));
    return tarStreamSource('oci-archive', path, () => archiveFile(path));
  },
};

describe('an image index is audited platform by platform, attestations included', () => {
  it.each(Object.entries(sources))('%s', async (_, open) => {
    const report = await auditSource(open(), { secrets });
    const places = report.findings.map((f) => ({ platform: f.platform, attestationOf: f.attestationOf, kind: f.location.kind, path: f.location.kind === 'layer' ? f.location.path : undefined }));
    // The leaking layer is arm64's only; the shared clean layer is named for both platforms.
    expect(places).toContainEqual({ platform: 'linux/arm64', attestationOf: undefined, kind: 'layer', path: 'app/.npmrc' });
    expect(places.filter((p) => p.platform === 'linux/amd64')).toEqual([]);
    // The provenance of amd64 holds the value as a build argument: reported as that attestation.
    expect(places.filter((p) => p.attestationOf !== undefined).map((p) => p.attestationOf)).toEqual(['linux/amd64']);
    expect(report.clean).toBe(false);
    const text = formatAuditReport(report);
    expect(text).toContain('[linux/arm64] layer');
    expect(text).toContain('[attestation of linux/amd64]');
    expect(text + JSON.stringify(report)).not.toContain(TOKEN);
  });

  it('reports a clean index as clean, every platform and attestation read', async () => {
    const cleanIndex = ociLayout([
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [shared, fine], attestation: [{ predicateType: 'x', predicate: {} }] },
      { platform: { os: 'linux', architecture: 'arm64' }, layers: [shared, fine] },
    ], { gzip: true });
    const report = await auditSource(ociLayoutSource(writeLayout(cleanIndex, join(work, 'clean'))), { secrets });
    expect(report.findings).toEqual([]);
    expect(report.clean).toBe(true);
    // shared + fine are the same blobs on both platforms (read once), plus one attestation blob.
    expect(report.stats.layers).toBe(2);
  });

  it('fails closed, with a typed error, when a blob does not match its digest', async () => {
    const broken = new Map(index);
    const [path] = [...broken.keys()].filter((p) => p.startsWith('blobs/') && broken.get(p)![0] === 0x1f);
    broken.set(path!, Buffer.concat([broken.get(path!)!, Buffer.from('x')]));
    await expect(auditSource(ociLayoutSource(writeLayout(broken, join(work, 'broken'))), { secrets })).rejects.toMatchObject({ code: 'AUDIT_FAILED' });
  });
});
