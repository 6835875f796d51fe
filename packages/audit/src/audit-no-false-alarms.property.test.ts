import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { fcParams } from './__fixtures__/fc-seed.js';
import { dockerArchive, tar } from './__fixtures__/tar-builder.js';
import { auditImage } from './audit-image.js';

/*
 * No false alarms: random high-entropy values — raw bytes, tokens, and multi-line keys in the
 * OpenSSH and PEM layouts whose armour strings OpenSSH itself carries — are never reported in
 * random binary data or in real binaries (busybox, ssh, ssh-add, git: what the e2e images ship).
 */

const BINARIES = ['/bin/busybox', '/usr/bin/ssh', '/usr/bin/ssh-add', '/usr/bin/git'];
const dir = mkdtempSync(join(tmpdir(), 'bs-audit-noise-'));
let realArchive = '';

beforeAll(() => {
  // Installed by scripts/e2e-services.sh install (busybox-static, openssh-client, git); a missing one fails here rather than shrinking the test.
  const missing = BINARIES.filter((b) => !existsSync(b));
  expect(missing, 'binaries the test scans').toEqual([]);
  const layer = tar(BINARIES.map((b) => ({ name: b.slice(1), body: readFileSync(b) })));
  realArchive = join(dir, 'real.tar');
  writeFileSync(realArchive, dockerArchive([layer], { config: { Env: ['PATH=/usr/bin:/bin'] }, history: [] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (min: number, max: number) => fc.noBias(fc.uint8Array({ minLength: min, maxLength: max }));
const b64lines = (raw: Uint8Array, width: number): string => (Buffer.from(raw).toString('base64').match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n');

/** High-entropy values as secrets take them: raw bytes, printable tokens, and keys with armour. */
const secretArb = fc.oneof(
  bytes(16, 64).map((b) => Buffer.from(b)),
  bytes(16, 48).map((b) => Buffer.from(`ghp_${Buffer.from(b).toString('base64url')}`)),
  bytes(120, 400).map((b) => Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n${b64lines(b, 70)}\n-----END OPENSSH PRIVATE KEY-----\n`)),
  bytes(120, 400).map((b) => Buffer.from(`-----BEGIN PRIVATE KEY-----\n${b64lines(b, 64)}\n-----END PRIVATE KEY-----\n`)),
);

describe('auditImage raises no false alarm', () => {
  it('on real binaries (busybox, ssh, ssh-add, git) for random high-entropy values and keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(secretArb, { minLength: 1, maxLength: 4 }), async (values) => {
        const report = await auditImage({ archive: realArchive, secrets: values.map((v, i) => ({ id: `s${i}`, value: SecretValue.from(v) })) });
        expect(report.findings).toEqual([]);
        expect(report.unscanned).toEqual([]);
      }),
      fcParams(12),
    );
  }, 120_000);

  it('on random binary data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(bytes(0, 20_000), { minLength: 1, maxLength: 4 }), fc.array(secretArb, { minLength: 1, maxLength: 3 }), async (files, values) => {
        const layer = tar(files.map((body, i) => ({ name: `f${i}`, body: Buffer.from(body) })));
        const path = join(dir, 'random.tar');
        writeFileSync(path, dockerArchive([layer], { config: {}, history: [] }));
        const report = await auditImage({ archive: path, secrets: values.map((v, i) => ({ id: `s${i}`, value: SecretValue.from(v) })) });
        expect(report.findings).toEqual([]);
      }),
      fcParams(60),
    );
  }, 120_000);
});
