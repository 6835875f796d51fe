import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { tar } from './__fixtures__/tar-builder.js';
import { auditExport } from './audit-export.js';
import { makeCanary } from '../../../test/setup/canary-values.js';

const TOKEN = makeCanary('export');
const secrets = [{ id: 'token', value: SecretValue.from(TOKEN) }];
const dir = mkdtempSync(join(tmpdir(), 'bs-audit-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('auditExport (what docker build --output wrote)', () => {
  it('searches every file and name of a type=local directory', async () => {
    const root = join(dir, 'local');
    mkdirSync(join(root, 'app'), { recursive: true });
    writeFileSync(join(root, 'app', 'config'), `key=${Buffer.from(TOKEN).toString('base64')}\n`);
    writeFileSync(join(root, 'app', 'ok'), 'fine');
    const report = await auditExport({ type: 'local', dest: root }, secrets);
    expect(report.findings).toEqual([{ secretId: 'token', encoding: 'base64', location: { kind: 'layer', layer: 'export:local', path: 'app/config' } }]);
    expect(report.stats.files).toBe(2);
  });

  it('searches a type=tar export, plain or gzip-compressed', async () => {
    const body = tar([{ name: 'etc/leaked', body: TOKEN }, { name: 'etc/ok', body: 'x' }]);
    for (const [name, data] of [['plain.tar', body], ['packed.tar.gz', gzipSync(body)]] as const) {
      const path = join(dir, name);
      writeFileSync(path, data);
      const report = await auditExport({ type: 'tar', dest: path }, secrets);
      expect(report.findings, name).toEqual([{ secretId: 'token', encoding: 'raw', location: { kind: 'layer', layer: 'export:tar', path: 'etc/leaked' } }]);
      expect(report.clean).toBe(false);
    }
  });
});
