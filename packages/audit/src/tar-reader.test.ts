import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditError } from '@buildsecrets/base';
import { tar } from './__fixtures__/tar-builder.js';
import { readTar } from './tar-reader.js';

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function entries(data: Buffer, chunk = 100): Promise<{ path: string; type: string; body: string; linkPath: string }[]> {
  const out = [];
  for await (const e of readTar(chunked(data, chunk), 'test.tar')) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    out.push({ path: e.path, type: e.type, body: Buffer.concat(parts).toString(), linkPath: e.linkPath });
  }
  return out;
}

const LONG = `${'deep/'.repeat(30)}file-with-a-long-name.txt`;

describe('readTar', () => {
  it('reads ustar entries in order with their bodies, whatever the chunk size', async () => {
    const data = tar([{ name: 'dir/' }, { name: 'dir/a.txt', body: 'alpha' }, { name: 'link', type: '2', linkName: 'dir/a.txt' }]);
    for (const size of [1, 7, 512, 100_000]) {
      expect(await entries(data, size)).toEqual([
        { path: 'dir/', type: 'directory', body: '', linkPath: '' },
        { path: 'dir/a.txt', type: 'file', body: 'alpha', linkPath: '' },
        { path: 'link', type: 'symlink', body: '', linkPath: 'dir/a.txt' },
      ]);
    }
  });

  it('applies GNU long names and PAX path records', async () => {
    const data = tar([{ name: LONG, body: 'gnu', gnuLongName: true }, { name: `pax/${LONG}`, body: 'pax', paxPath: true }, { name: 'short', body: 's' }]);
    expect((await entries(data)).map((e) => [e.path, e.body])).toEqual([[LONG, 'gnu'], [`pax/${LONG}`, 'pax'], ['short', 's']]);
  });

  it('reads archives written by the system tar in PAX and GNU formats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-tar-'));
    try {
      mkdirSync(join(dir, 'src', ...LONG.split('/').slice(0, -1)), { recursive: true });
      writeFileSync(join(dir, 'src', LONG), 'content of the long one');
      for (const format of ['pax', 'gnu']) {
        const data = execFileSync('tar', [`--format=${format}`, '-C', join(dir, 'src'), '-cf', '-', LONG]);
        const files = (await entries(data, 333)).filter((e) => e.type === 'file');
        expect(files).toEqual([{ path: LONG, type: 'file', body: 'content of the long one', linkPath: '' }]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a large entry in chunks instead of buffering it', async () => {
    const size = 48 * 1024 * 1024;
    const head = tar([{ name: 'big.bin', body: '' }]).subarray(0, 512);
    // Patch the size field of the header for a body generated on the fly.
    const header = Buffer.from(head);
    header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    async function* source(): AsyncGenerator<Buffer> {
      yield header;
      const block = Buffer.alloc(1 << 20, 0x61);
      for (let sent = 0; sent < size; sent += block.length) yield block;
      yield Buffer.alloc(1024);
    }
    let total = 0;
    let largest = 0;
    let count = 0;
    for await (const e of readTar(source(), 'big.tar')) {
      for await (const c of e.body) {
        total += c.length;
        largest = Math.max(largest, c.length);
        count++;
      }
    }
    expect(total).toBe(size);
    expect(largest).toBeLessThanOrEqual(1 << 20);
    expect(count).toBeGreaterThanOrEqual(48);
  });

  it('skips bodies the caller does not read', async () => {
    const data = tar([{ name: 'a', body: 'x'.repeat(1500) }, { name: 'b', body: 'y' }]);
    const names: string[] = [];
    for await (const e of readTar(chunked(data, 64), 't')) names.push(e.path);
    expect(names).toEqual(['a', 'b']);
  });

  it('rejects a truncated archive with a typed error', async () => {
    const data = tar([{ name: 'a', body: 'x'.repeat(2000) }]);
    for (const cut of [0, 300, 512 + 1000, data.length - 1024]) {
      await expect(entries(data.subarray(0, cut))).rejects.toSatisfy((e) => e instanceof AuditError && /truncated/.test((e as Error).message));
    }
  });

  it('rejects input that is not a tar archive', async () => {
    await expect(entries(Buffer.from('{"not":"a tar"}'.padEnd(2048, ' ')))).rejects.toSatisfy((e) => e instanceof AuditError && /not a valid tar/.test((e as Error).message));
  });
});
