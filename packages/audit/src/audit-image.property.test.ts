import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPatterns } from './scanner/patterns.js';
import { SecretValue } from '@buildsecrets/base';
import { fcParams } from './__fixtures__/fc-seed.js';
import { dockerArchive, tar } from './__fixtures__/tar-builder.js';
import { scanArchive } from './archive-reader.js';
import { ContentScanner } from './content-scanner.js';
import { buildReport } from './report-builder.js';

async function* split(data: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, data.length]) {
    if (p > prev) yield data.subarray(prev, p);
    prev = p;
  }
}

// A value ending in a line break is searched without it (7 bytes + `\n` is too short): covered by the patterns tests.
const valueArb = fc.uint8Array({ minLength: 8, maxLength: 48 }).filter((v) => v.some((b) => b !== v[0]) && v[v.length - 1] !== 0x0a);
const config = { config: { Env: ['PATH=/bin'] }, history: [] };

async function audit(archive: Buffer, cuts: number[], secrets: { id: string; value: SecretValue }[]) {
  const { patterns, tooShort } = buildPatterns(secrets);
  const scanner = new ContentScanner(patterns);
  return buildReport('prop', await scanArchive(split(archive, cuts), 'prop', scanner, new Set()), scanner, tooShort);
}

describe('auditImage (properties)', () => {
  it('finds every planted value in any encoding at any offset, however the archive stream is split', async () => {
    await fc.assert(
      fc.asyncProperty(
        valueArb,
        fc.uint8Array({ maxLength: 4000 }),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 20 }),
        async (value, noise, at, which, gzip, cuts) => {
          const secret = { id: 'planted', value: SecretValue.from(value) };
          const forms = buildPatterns([secret]).patterns;
          const form = forms[which % forms.length]!;
          const offset = at % (noise.length + 1);
          const body = Buffer.concat([noise.subarray(0, offset), form.bytes, noise.subarray(offset)]);
          const layer = tar([{ name: 'noise-before', body: Buffer.from(noise) }, { name: 'planted.bin', body }]);
          const report = await audit(dockerArchive([layer], config, { gzip }), cuts, [secret]);
          const planted = report.findings.filter((f) => f.location.kind === 'layer' && f.location.path === 'planted.bin');
          expect(planted.length).toBeGreaterThan(0);
        },
      ),
      fcParams(120),
    );
  });

  it('reports nothing for random layers that do not contain the value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 20 }), async (files, cuts) => {
        // The noise uses only the bytes `!` to `*`, which occur in no encoding of this value.
        const noise = files.map((f) => Buffer.from(f.map((b) => 0x21 + (b % 10))));
        const secret = { id: 's', value: SecretValue.from(Buffer.from([0xf0, 0x9f, 0x94, 0x91, 0x51, 0x52, 0x53, 0x54, 0x55])) };
        const layer = gzipSync(tar(noise.map((body, i) => ({ name: `f${i}`, body }))));
        const report = await audit(dockerArchive([layer], config), cuts, [secret]);
        expect(report.findings).toEqual([]);
        expect(report.stats.files).toBe(noise.length);
      }),
      fcParams(80),
    );
  });
});
