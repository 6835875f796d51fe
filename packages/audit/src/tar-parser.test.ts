import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditError } from '@buildsecrets/base';
import { tar } from './__fixtures__/tar-builder.js';
import { TarParser } from './tar-parser.js';
import { readTar } from './tar-reader.js';

interface Seen {
  path: string;
  type: string;
  body: string;
  linkPath: string;
}

function chunks(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    if (p > prev) out.push(data.subarray(prev, p));
    prev = p;
  }
  return out;
}

const every = (data: Buffer, size: number): Buffer[] => chunks(data, Array.from({ length: Math.ceil(data.length / size) }, (_, i) => i * size));

/** Feed `parts` to a parser that accepts every body (or only those `accept` allows). */
function parse(parts: readonly Buffer[], accept: (path: string) => boolean = () => true): Seen[] {
  const out: Seen[] = [];
  let body: Buffer[] = [];
  const parser = new TarParser(
    {
      entry(e) {
        out.push({ path: e.path, type: e.type, body: '', linkPath: e.linkPath });
        body = [];
        return accept(e.path);
      },
      body(chunk, start, end) {
        // Copied, so the expectation does not depend on who owns the chunk.
        body.push(Buffer.from(chunk.subarray(start, end)));
      },
      end() {
        out[out.length - 1]!.body = Buffer.concat(body).toString('latin1');
      },
    },
    'test.tar',
  );
  for (const part of parts) parser.write(part);
  parser.end();
  return out;
}

async function pulled(data: Buffer): Promise<Seen[]> {
  const out: Seen[] = [];
  async function* source(): AsyncGenerator<Buffer> {
    yield data;
  }
  for await (const e of readTar(source(), 'test.tar')) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    out.push({ path: e.path, type: e.type, body: Buffer.concat(parts).toString('latin1'), linkPath: e.linkPath });
  }
  return out;
}

const LONG = `${'deep/'.repeat(30)}file-with-a-long-name.txt`;

describe('TarParser', () => {
  it('reports ustar entries in order with their bodies, whatever the chunk size', () => {
    const data = tar([{ name: 'dir/' }, { name: 'dir/a.txt', body: 'alpha' }, { name: 'empty' }, { name: 'link', type: '2', linkName: 'dir/a.txt' }]);
    for (const size of [1, 7, 512, 100_000]) {
      expect(parse(every(data, size))).toEqual([
        { path: 'dir/', type: 'directory', body: '', linkPath: '' },
        { path: 'dir/a.txt', type: 'file', body: 'alpha', linkPath: '' },
        { path: 'empty', type: 'file', body: '', linkPath: '' },
        { path: 'link', type: 'symlink', body: '', linkPath: 'dir/a.txt' },
      ]);
    }
  });

  it('applies GNU long names and PAX path records, also split across chunks', () => {
    const data = tar([{ name: LONG, body: 'gnu', gnuLongName: true }, { name: `pax/${LONG}`, body: 'pax', paxPath: true }, { name: 'short', body: 's' }]);
    for (const size of [3, 100, 4096]) {
      expect(parse(every(data, size)).map((e) => [e.path, e.body])).toEqual([[LONG, 'gnu'], [`pax/${LONG}`, 'pax'], ['short', 's']]);
    }
  });

  it('reads archives written by the system tar in PAX and GNU formats', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-tarp-'));
    try {
      mkdirSync(join(dir, 'src', ...LONG.split('/').slice(0, -1)), { recursive: true });
      writeFileSync(join(dir, 'src', LONG), 'content of the long one');
      for (const format of ['pax', 'gnu']) {
        const data = execFileSync('tar', [`--format=${format}`, '-C', join(dir, 'src'), '-cf', '-', LONG]);
        const files = parse(every(data, 333)).filter((e) => e.type === 'file');
        expect(files).toEqual([{ path: LONG, type: 'file', body: 'content of the long one', linkPath: '' }]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips the bodies of entries the visitor declines, and never calls end for them', () => {
    const data = tar([{ name: 'a', body: 'x'.repeat(1500) }, { name: 'b', body: 'y' }]);
    expect(parse(every(data, 64), (path) => path !== 'a')).toEqual([
      { path: 'a', type: 'file', body: '', linkPath: '' },
      { path: 'b', type: 'file', body: 'y', linkPath: '' },
    ]);
  });

  it('ignores whatever follows the end-of-archive marker', () => {
    const data = Buffer.concat([tar([{ name: 'a', body: 'x' }]), Buffer.from('trailing record padding or junk')]);
    expect(parse([data]).map((e) => e.path)).toEqual(['a']);
  });

  it('rejects a truncated archive with a typed error when the input ends', () => {
    const data = tar([{ name: 'a', body: 'x'.repeat(2000) }]);
    for (const cut of [0, 300, 512 + 1000, data.length - 1024]) {
      expect(() => parse(every(data.subarray(0, cut), 100))).toThrow(expect.objectContaining({ constructor: AuditError, message: expect.stringMatching(/truncated/) }));
    }
  });

  it('rejects input that is not a tar archive', () => {
    expect(() => parse([Buffer.from('{"not":"a tar"}'.padEnd(2048, ' '))])).toThrow(expect.objectContaining({ constructor: AuditError, message: expect.stringMatching(/not a valid tar/) }));
  });

  it('sees exactly what the pulling reader sees, however the stream is split', async () => {
    const entryArb = fc.record({
      // Names never end in `/`: the fixture would write a directory with a body, which is no tar.
      name: fc.stringMatching(/^[a-z][a-z0-9/._-]{0,40}[a-z0-9]$/),
      body: fc.uint8Array({ maxLength: 2000 }),
      long: fc.constantFrom('none', 'gnu', 'pax'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 30 }), async (entries, cuts) => {
        const data = tar(entries.map((e) => ({ name: e.long === 'none' ? e.name : `${LONG}/${e.name}`, body: Buffer.from(e.body), gnuLongName: e.long === 'gnu', paxPath: e.long === 'pax' })));
        expect(parse(chunks(data, cuts))).toEqual(await pulled(data));
      }),
      { numRuns: 150 },
    );
  });
});
