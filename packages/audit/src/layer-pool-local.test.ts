import { randomBytes } from 'node:crypto';
import type { Transform } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tar } from './__fixtures__/tar-builder.js';
import { ContentScanner } from './content-scanner.js';
import { LayerPool } from './layer-pool.js';
import { buildPatterns } from './scanner/patterns.js';
import { makeCanary } from '../../../test/setup/canary-values.js';

/*
 * The calling thread as a scanner of streamed blobs (a `docker save` stream, a registry blob):
 * it searches several at once, next to its reading, under the same memory cap as the workers.
 */

const TOKEN = makeCanary('pool-local-token');
const { patterns } = buildPatterns([{ id: 'token', value: TOKEN }]);

function localPool(localLayers: number, extra: { size?: number; capBytes?: number } = {}): LayerPool {
  const local = { scanner: new ContentScanner(patterns), active: new Set<Transform>() };
  return new LayerPool(patterns, { size: extra.size ?? 2, minBlobBytes: 0, local, localLayers, ...(extra.capBytes ? { capBytes: extra.capBytes } : {}) });
}

/** A layer tar holding the token, streamed in two parts: the second only once `open` is settled. */
function gated(open: Promise<void>): AsyncGenerator<Buffer> {
  const body = tar([{ name: 'etc/token', body: TOKEN }, { name: 'noise.bin', body: randomBytes(4096) }]);
  return (async function* () {
    yield body.subarray(0, 1024);
    await open;
    yield body.subarray(1024);
  })();
}

describe('the calling thread searching streamed blobs', () => {
  it('takes a second streamed blob while the first is still streaming, when it has a slot for it, and starts no worker', async () => {
    const pool = localPool(2);
    const workers = LayerPool.workersUsed;
    const peak = LayerPool.localPeak;
    LayerPool.localPeak = 0;
    try {
      let release!: () => void;
      const open = new Promise<void>((r) => (release = r));
      const first = pool.scan('l1/layer.tar', 'tar', gated(open));
      const second = pool.scan('l2/layer.tar', 'tar', gated(open));
      await new Promise((r) => setTimeout(r, 50));
      expect(LayerPool.localPeak).toBe(2);
      release();
      await Promise.all([first.sent, second.sent]);
      for (const { outcome } of [first, second]) {
        const done = await outcome;
        expect('scan' in done && done.scan.hits.get('etc/token')?.size).toBeGreaterThan(0);
      }
      expect(LayerPool.workersUsed).toBe(workers);
    } finally {
      LayerPool.localPeak = Math.max(peak, LayerPool.localPeak);
      await pool.close();
    }
  });

  it('with one slot, the second streamed blob goes to a worker and both are found', async () => {
    const pool = localPool(1);
    const workers = LayerPool.workersUsed;
    try {
      let release!: () => void;
      const open = new Promise<void>((r) => (release = r));
      const first = pool.scan('l1/layer.tar', 'tar', gated(open));
      const second = pool.scan('l2/layer.tar', 'tar', gated(open));
      release();
      await Promise.all([first.sent, second.sent]);
      for (const { outcome } of [first, second]) {
        const done = await outcome;
        expect('scan' in done && done.scan.hits.get('etc/token')?.size).toBeGreaterThan(0);
      }
      expect(LayerPool.workersUsed).toBe(workers + 1);
    } finally {
      await pool.close();
    }
  });

  it('back-pressure: bytes queued for the calling thread never exceed the cap by more than one chunk', async () => {
    const cap = 256 << 10;
    const pool = localPool(1, { size: 1, capBytes: cap });
    try {
      // gzip: the scanner waits for zlib on the thread pool, so an unchecked reader would run ahead.
      const body = gzipSync(tar([{ name: 'big.bin', body: randomBytes(8 << 20) }]));
      let peak = 0;
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let i = 0; i < body.length; i += 64 << 10) {
          peak = Math.max(peak, pool.queuedBytes);
          yield body.subarray(i, i + (64 << 10));
        }
      }
      const { sent, outcome } = pool.scan('big', 'gzip', chunks());
      await sent;
      const done = await outcome;
      expect('scan' in done && done.scan.bytes).toBe(8 << 20);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(cap + (64 << 10));
    } finally {
      await pool.close();
    }
  });

  it('with every slot taken and no worker allowed, a further streamed blob is still taken by the calling thread: a stream is never left waiting', async () => {
    const pool = localPool(1, { size: 1 });
    const workers = LayerPool.workersUsed;
    try {
      let release!: () => void;
      const open = new Promise<void>((r) => (release = r));
      const first = pool.scan('l1/layer.tar', 'tar', gated(open));
      const second = pool.scan('l2/layer.tar', 'tar', gated(Promise.resolve()));
      await second.sent;
      const done = await second.outcome;
      expect('scan' in done && done.scan.hits.get('etc/token')?.size).toBeGreaterThan(0);
      release();
      await first.sent;
      expect('scan' in (await first.outcome)).toBe(true);
      expect(LayerPool.workersUsed).toBe(workers);
    } finally {
      await pool.close();
    }
  });

  it('a blob still streaming to the calling thread when the pool closes comes back unscanned; one handed over after that too, and its chunks are drained', async () => {
    const pool = localPool(2);
    let release!: () => void;
    const open = new Promise<void>((r) => (release = r));
    const first = pool.scan('l1/layer.tar', 'tar', gated(open));
    await new Promise((r) => setTimeout(r, 20));
    await pool.close();
    let drained = false;
    const late = pool.scan(
      'l2/layer.tar',
      'tar',
      (async function* () {
        yield Buffer.alloc(512);
        drained = true;
      })(),
    );
    release();
    await Promise.all([first.sent, late.sent]);
    expect(await first.outcome).toEqual({ unscanned: expect.stringMatching(/stopped before/) });
    expect(await late.outcome).toEqual({ unscanned: expect.stringMatching(/stopped before/) });
    expect(drained).toBe(true);
  });
});
