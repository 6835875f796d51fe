import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { buildPatterns } from './scanner/patterns.js';
import { dockerArchive, fixtureDiffId, tar } from './__fixtures__/tar-builder.js';
import { auditImage } from './audit-image.js';
import { auditSource } from './audit-source.js';
import { archiveFile } from './archive-stream.js';
import { tarStreamSource } from './source/tar-stream-source.js';
import { LayerPool } from './layer-pool.js';
import { workerExecArgv } from './worker-launch.js';
import { makeCanary } from '../../../test/setup/canary-values.js';

/*
 * Layers of 1 MiB or more are searched several at once: by the calling thread (zlib inflates on
 * libuv's thread pool, so one thread keeps cores busy) and by worker threads. These tests compare
 * the modes on the same archive: the report must be the same, byte for byte, whichever thread
 * searched a layer, and a worker that dies must fail closed.
 */

const TOKEN = makeCanary('concurrent-token');
const KEY = randomBytes(300);
const secrets = [
  { id: 'token', value: SecretValue.from(TOKEN) },
  { id: 'key', value: SecretValue.from(KEY) },
];

const dir = mkdtempSync(join(tmpdir(), 'bs-audit-conc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(data: Buffer): string {
  const path = join(dir, `archive-${n++}.tar`);
  writeFileSync(path, data);
  return path;
}

/** A layer of ~1.5 MiB of incompressible noise around the planted files. */
function layer(i: number, planted: { name: string; body: Buffer | string }[], deletes: string[] = []): Buffer {
  return tar([{ name: `noise/${i}.bin`, body: randomBytes(3 << 19) }, ...planted, ...deletes.map((d) => ({ name: d.replace(/[^/]+$/, (b) => `.wh.${b}`), body: '' }))]);
}

const config = { config: { Env: ['PATH=/bin', `TOKEN=${TOKEN}`] }, history: [{ created_by: 'ADD rootfs /' }, { created_by: 'RUN make' }] };

describe('concurrent layer scanning', () => {
  it('gives the same report as a single-stream scan of the same image (4 layers, gzip and plain, whiteouts, every kind of finding)', async () => {
    const layers = [
      gzipSync(layer(0, [{ name: 'etc/token', body: TOKEN }, { name: 'etc/old', body: `x${TOKEN}` }])),
      layer(1, [{ name: 'opt/key.b64', body: `${KEY.toString('base64').replace(/(.{76})/g, '$1\n')}\n` }], ['etc/old']),
      gzipSync(layer(2, [{ name: `opt/${Buffer.from(TOKEN).toString('hex')}`, body: 'named after it' }])),
      gzipSync(layer(3, [{ name: 'clean.txt', body: 'nothing to see' }])),
    ];
    const archive = file(dockerArchive(layers, config));
    const before = { workers: LayerPool.workersUsed, local: LayerPool.localJobs };
    const single = await auditImage({ archive, secrets, concurrency: 1 });
    expect(LayerPool.workersUsed).toBe(before.workers);
    expect(single.findings.length).toBeGreaterThanOrEqual(5);
    // Every split of the layers between the calling thread and the workers: all of them on the
    // calling thread (the default on 2 cores), one there and the rest in workers, all in workers.
    const peak = LayerPool.localPeak;
    LayerPool.localPeak = 0;
    const callingThread = await auditImage({ archive, secrets, concurrency: 4, callingThreadLayers: 4 });
    expect(LayerPool.workersUsed).toBe(before.workers);
    expect(LayerPool.localPeak).toBe(4);
    LayerPool.localPeak = Math.max(peak, LayerPool.localPeak);
    const mixed = await auditImage({ archive, secrets, concurrency: 4, callingThreadLayers: 1 });
    expect(LayerPool.workersUsed).toBeGreaterThan(before.workers);
    const local = LayerPool.localJobs;
    const workersOnly = await auditImage({ archive, secrets, concurrency: 4, callingThreadLayers: 0 });
    expect(LayerPool.localJobs).toBe(local);
    for (const concurrent of [callingThread, mixed, workersOnly]) {
      expect(concurrent).toEqual(single);
      expect(JSON.stringify(concurrent)).toBe(JSON.stringify(single));
    }
  });

  it('a layer that cannot be decompressed is named as unscanned in both modes alike', async () => {
    const corrupt = Buffer.from(gzipSync(layer(0, [])));
    corrupt.fill(0x55, 20, 400);
    const good = gzipSync(layer(1, [{ name: 'etc/token', body: TOKEN }]));
    const archive = file(dockerArchive([corrupt, good], config));
    const single = await auditImage({ archive, secrets, concurrency: 1 });
    for (const callingThreadLayers of [2, 0]) {
      const concurrent = await auditImage({ archive, secrets, concurrency: 2, callingThreadLayers });
      expect(concurrent.unscanned).toEqual([{ layer: fixtureDiffId(0), reason: expect.stringMatching(/gzip data is corrupt/) }]);
      expect(concurrent).toEqual(single);
      expect(concurrent.clean).toBe(false);
    }
  });

  it('a worker that dies fails its layer closed, naming why', async () => {
    const { patterns } = buildPatterns(secrets);
    const pool = new LayerPool(patterns, { size: 1, minBlobBytes: 0 });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      async function* slow(): AsyncGenerator<Buffer> {
        yield tar([{ name: 'a', body: 'x' }]).subarray(0, 512);
        await gate;
      }
      const { sent, outcome } = pool.scan('blobs/sha256/abc', 'tar', slow());
      await new Promise((r) => setTimeout(r, 200));
      pool.crashForTest();
      expect(await outcome).toEqual({ unscanned: expect.stringMatching(/scanning worker (failed|exited)/) });
      release();
      await sent;
    } finally {
      await pool.close();
    }
  });

  it('back-pressure: bytes queued for the workers never exceed the cap by more than one message (1 MiB)', async () => {
    const { patterns } = buildPatterns(secrets);
    const cap = 256 << 10;
    const pool = new LayerPool(patterns, { size: 1, minBlobBytes: 0, capBytes: cap });
    try {
      const body = tar([{ name: 'big.bin', body: randomBytes(8 << 20) }]);
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let i = 0; i < body.length; i += 64 << 10) yield body.subarray(i, i + (64 << 10));
      }
      let peak = 0;
      const timer = setInterval(() => (peak = Math.max(peak, pool.queuedBytes)), 1);
      const { sent, outcome } = pool.scan('big', 'tar', chunks());
      await sent;
      const done = await outcome;
      clearInterval(timer);
      expect('scan' in done && done.scan.bytes).toBe(8 << 20);
      expect(peak).toBeLessThanOrEqual(cap + (1 << 20));
    } finally {
      await pool.close();
    }
  });

  it('the layers of an archive file are read from the file itself by the workers and the calling thread (one worker fewer), with the same report as when the archive is streamed to them', async () => {
    const layers = [0, 1, 2].map((i) => gzipSync(layer(i, [{ name: `etc/token-${i}`, body: TOKEN }])));
    const archive = file(dockerArchive([...layers, layer(3, [{ name: 'opt/key', body: KEY }])], config));
    const before = LayerPool.fileJobs;
    const workersBefore = LayerPool.workersUsed;
    const fromFile = await auditImage({ archive, secrets, concurrency: 2, callingThreadLayers: 1 });
    expect(LayerPool.fileJobs - before).toBe(4);
    expect(LayerPool.workersUsed - workersBefore).toBe(1);
    // The same bytes as a stream with no file behind it (as `docker save` gives them): fed to the scanners.
    const streamed = tarStreamSource('docker-archive', archive, () => ({ ...archiveFile(archive), file: undefined }), `archive ${archive}`);
    const fed = await auditSource(streamed, { secrets, concurrency: 2, callingThreadLayers: 1 });
    expect(LayerPool.fileJobs - before).toBe(4);
    expect(fromFile.findings.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(fromFile)).toBe(JSON.stringify(fed));
    expect(JSON.stringify(fromFile)).toBe(JSON.stringify(await auditImage({ archive, secrets, concurrency: 1 })));
  });

  it('an idle worker is kept for the next audit in the same process and searches with that audit\'s values, not the last one\'s', async () => {
    const other = makeCanary('concurrent-other');
    const layers = [0, 1].map((i) => gzipSync(layer(i, [{ name: `etc/other-${i}`, body: other }])));
    const archive = file(dockerArchive(layers, config));
    await auditImage({ archive, secrets, concurrency: 2, callingThreadLayers: 1 });
    const started = LayerPool.threadsStarted;
    const used = LayerPool.workersUsed;
    const report = await auditImage({ archive, secrets: [{ id: 'other', value: SecretValue.from(other) }], concurrency: 2, callingThreadLayers: 1 });
    expect(LayerPool.workersUsed - used).toBe(1);
    expect(LayerPool.threadsStarted).toBe(started);
    // Both layers hold the new value: the reused worker's layer is found too, so it has the new patterns.
    expect(report.findings.filter((f) => f.secretId === 'other').map((f) => f.location.path).sort()).toEqual(['etc/other-0', 'etc/other-1']);
  });

  it('an archive file cut inside a layer (skipped by the reading thread, read by a scanner) fails the audit, in both modes', async () => {
    const whole = dockerArchive([gzipSync(layer(0, [{ name: 'etc/token', body: TOKEN }])), gzipSync(layer(1, []))], config);
    const archive = file(whole.subarray(0, 600_000));
    for (const [concurrency, callingThreadLayers] of [[1, 1], [2, 2], [2, 0]] as const) {
      await expect(auditImage({ archive, secrets, concurrency, callingThreadLayers })).rejects.toMatchObject({ code: 'AUDIT_FAILED', message: expect.stringMatching(/truncated/) });
    }
  });

  it('a blob the file does not hold in full (the archive shrank) comes back unscanned, naming why — never as a clean layer', async () => {
    const { patterns } = buildPatterns(secrets);
    const pool = new LayerPool(patterns, { size: 1, minBlobBytes: 0 });
    try {
      const path = file(tar([{ name: 'a.bin', body: randomBytes(4096) }]));
      const outcome = await pool.scanFile('l1/layer.tar', 'tar', { file: path, offset: 0 }, 1 << 20);
      expect(outcome).toEqual({ unscanned: expect.stringMatching(/could not be read from the archive file/) });
      const missing = await pool.scanFile('l2/layer.tar', 'tar', { file: join(dir, 'no-such.tar'), offset: 0 }, 1 << 20);
      expect(missing).toEqual({ unscanned: expect.stringMatching(/ENOENT|no such file/) });
    } finally {
      await pool.close();
    }
  });

  it('when a worker dies reading a file blob, that blob fails closed and the blobs queued behind it go to a new worker', async () => {
    const { patterns } = buildPatterns(secrets);
    const pool = new LayerPool(patterns, { size: 1, minBlobBytes: 0 });
    try {
      const body = tar([{ name: 'big.bin', body: randomBytes(8 << 20) }, { name: 'etc/token', body: TOKEN }]);
      const path = file(body);
      const first = pool.scanFile('l1/layer.tar', 'tar', { file: path, offset: 0 }, body.length);
      const second = pool.scanFile('l2/layer.tar', 'tar', { file: path, offset: 0 }, body.length);
      pool.crashForTest();
      expect(await first).toEqual({ unscanned: expect.stringMatching(/scanning worker (failed|exited)/) });
      const done = await second;
      expect('scan' in done && done.scan.hits.get('etc/token')?.size).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('blobs still queued when the pool closes come back unscanned', async () => {
    const { patterns } = buildPatterns(secrets);
    const pool = new LayerPool(patterns, { size: 1, minBlobBytes: 0 });
    const path = file(tar([{ name: 'a.bin', body: randomBytes(1 << 20) }]));
    const outcomes = [0, 1, 2].map((i) => pool.scanFile(`l${i}/layer.tar`, 'tar', { file: path, offset: 0 }, statSync(path).size));
    await pool.close();
    expect((await Promise.all(outcomes)).slice(1)).toEqual([0, 1].map(() => ({ unscanned: expect.stringMatching(/stopped before/) })));
  });

  it('workers do not inherit the options of an embedding script (node --input-type=module -e …)', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'code', '--no-warnings'])).toEqual(['--no-warnings']);
    expect(workerExecArgv(['--max-old-space-size=512', '--eval', 'x', '--input-type', 'module'])).toEqual(['--max-old-space-size=512']);
  });
});
