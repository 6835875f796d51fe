import { Worker } from 'node:worker_threads';
import type { Transform } from 'node:stream';
import type { BlobFormat } from './blob-format.js';
import type { ContentScanner } from './content-scanner.js';
import { ByteReader } from './byte-reader.js';
import { ChunkInbox } from './chunk-inbox.js';
import { scanFileRange } from './file-range-scan.js';
import { scanBlob, type BlobOutcome } from './layer-blob.js';
import { park, unpark } from './parked-workers.js';
import { defaultLocalLayers, defaultScannerCount } from './pool-sizing.js';
import { defaultWorkerUrl, workerExecArgv } from './worker-launch.js';
import type { SecretPattern } from './scanner/patterns.js';
import type { BlobFileRange } from './source/image-source.js';

/** What a worker is started with. */
export interface WorkerInit {
  readonly patterns: readonly { secretId: string; encoding: SecretPattern['encoding']; bytes: Uint8Array }[];
}

/** Messages to a worker. */
export type ToWorker =
  | ({ type: 'init' } & WorkerInit)
  | { type: 'begin'; job: number; path: string; format: BlobFormat }
  | { type: 'chunk'; job: number; data: ArrayBuffer }
  | { type: 'end'; job: number }
  | { type: 'file'; job: number; path: string; format: BlobFormat; file: string; offset: number; size: number }
  | { type: 'crash-for-test' };

type FromWorker = { type: 'ack'; job: number; bytes: number } | { type: 'done'; job: number; outcome: BlobOutcome };

/** Options for {@link LayerPool}. */
export interface LayerPoolOptions {
  /** Scanners at most (default {@link defaultScannerCount}: twice the machine's cores, at most 4). */
  readonly size?: number;
  /** Bytes sent to workers and not yet taken by their scanners, at most (default {@link DEFAULT_POOL_CAP_BYTES}). */
  readonly capBytes?: number;
  /** Blobs smaller than this are searched on the main thread (default 1 MiB): a hop costs more than they do. */
  readonly minBlobBytes?: number;
  /** The worker entry (default: `layer-worker.js` next to this module, or in the CLI bundle's chunk directory). */
  readonly workerUrl?: URL;
  /**
   * The calling thread's scanner: given, the calling thread searches a share of the blobs (read
   * from files or streamed to the pool), `localLayers` at a time, and fewer workers are started. It
   * costs no thread start-up. `active` collects its decompressors, so that the caller can destroy
   * them on abort.
   */
  readonly local?: { readonly scanner: ContentScanner; readonly active: Set<Transform> };
  /**
   * With `local`: how many blobs the calling thread searches at once (default
   * {@link defaultLocalLayers}); workers take at most `size` minus these.
   */
  readonly localLayers?: number;
}

/** Bytes per message to a worker: fewer, larger messages cost less than one per 64 KiB read. */
const MESSAGE_BYTES = 1 << 20;

/** Default cap on bytes queued for the workers: 128 MiB (the main thread stops reading above it). */
export const DEFAULT_POOL_CAP_BYTES = 128 << 20;

interface Job {
  readonly resolve: (outcome: BlobOutcome) => void;
}

interface PooledWorker {
  readonly thread: Worker;
  jobs: Set<number>;
  /** Bytes sent to it not yet taken by its scanner. */
  queued: number;
  /** The file job it is reading, if any: it is given the next one only when done. */
  fileJob?: number;
  dead?: string;
}

/**
 * The scanners that search layers concurrently: the calling thread (given `local`), several
 * layers at once, and a bounded set of worker threads, each with the patterns compiled once. The
 * calling thread reads the archive (a `docker save` stream is sequential) and hands each layer's
 * bytes, as they arrive, to its own scan or to the least busy worker, then reads on; a layer that
 * lies in a file is read from it by the scanner that takes it. zlib decompresses on libuv's thread
 * pool whichever thread searches. Memory is bounded: above `capBytes` queued, handing over waits.
 * A worker that dies fails each of its layers as unscanned, naming why: the audit fails closed.
 */
export class LayerPool {
  /** Worker threads started by every pool so far (tests check that the workers really ran). */
  static threadsStarted = 0;
  /** Workers put to work by every pool so far, new or parked by an earlier pool. */
  static workersUsed = 0;
  /** Blobs handed to workers to read from a file themselves (tests check which path ran). */
  static fileJobs = 0;
  /** Blobs the calling thread has searched itself, over every pool (tests check which path ran). */
  static localJobs = 0;
  /** The most blobs the calling thread has searched at once, over every pool (tests check it takes several). */
  static localPeak = 0;
  readonly #init: WorkerInit;
  readonly #size: number;
  readonly #cap: number;
  readonly #minBlob: number;
  readonly #url: URL;
  readonly #local: LayerPoolOptions['local'];
  readonly #localLayers: number;
  /** The blobs the calling thread is searching (read from files or streamed to it). */
  readonly #localJobs = new Set<number>();
  /** The queues of the streamed blobs the calling thread is searching (ended on close). */
  readonly #localInboxes = new Set<ChunkInbox>();
  /** The calling thread takes no share until {@link LayerPool.releaseLocal}: it is still reading the archive. */
  #localHeld = true;
  readonly #workers: PooledWorker[] = [];
  readonly #jobs = new Map<number, Job>();
  /** File jobs not yet given to a worker, oldest first. */
  readonly #fileQueue: Extract<ToWorker, { type: 'file' }>[] = [];
  #nextJob = 0;
  #queued = 0;
  #drained: (() => void)[] = [];
  #closed = false;

  constructor(patterns: readonly SecretPattern[], options: LayerPoolOptions = {}) {
    this.#init = { patterns: patterns.map((p) => ({ secretId: p.secretId, encoding: p.encoding, bytes: new Uint8Array(p.bytes) })) };
    this.#size = Math.max(1, options.size ?? defaultScannerCount());
    this.#cap = options.capBytes ?? DEFAULT_POOL_CAP_BYTES;
    this.#minBlob = options.minBlobBytes ?? 1 << 20;
    this.#url = options.workerUrl ?? defaultWorkerUrl();
    this.#local = options.local;
    this.#localLayers = options.local ? Math.min(this.#size, Math.max(1, options.localLayers ?? defaultLocalLayers(this.#size))) : 0;
  }

  /** Bytes handed over (to workers or the calling thread's scan) and not yet taken by their scanners. */
  get queuedBytes(): number {
    return this.#queued;
  }

  /** True when a blob of `size` bytes is worth a worker. */
  wants(size: number): boolean {
    return !this.#closed && size >= this.#minBlob;
  }

  /**
   * Hand a blob's chunks to a scanner: the calling thread while it has a free slot, else a worker,
   * else the calling thread over its share (a stream is never left waiting: a registry could time
   * it out). `sent` settles once every chunk is handed over (the caller then reads on); `outcome`
   * once the blob is searched. `outcome` never rejects.
   */
  scan(path: string, format: BlobFormat, chunks: AsyncIterable<Buffer>): { sent: Promise<void>; outcome: Promise<BlobOutcome> } {
    const job = this.#nextJob++;
    let resolve!: (outcome: BlobOutcome) => void;
    const outcome = new Promise<BlobOutcome>((r) => (resolve = r));
    this.#jobs.set(job, { resolve });
    const sent = this.#handOver(job, path, format, chunks);
    return { sent, outcome };
  }

  async #handOver(job: number, path: string, format: BlobFormat, chunks: AsyncIterable<Buffer>): Promise<void> {
    if (this.#closed) {
      this.#settle(job, { unscanned: 'the audit stopped before this layer was searched' });
      for await (const _ of chunks); // drained, so the archive reads on
      return;
    }
    const local = this.#local;
    const worker = local && this.#localJobs.size < this.#localLayers ? undefined : this.#pick();
    if (worker) {
      worker.jobs.add(job);
      return this.#send(worker, job, path, format, chunks);
    }
    // Without `local`, #pick always gives a worker.
    return this.#streamLocally(local!, job, path, format, chunks);
  }

  /**
   * Search a streamed blob on the calling thread, next to the blobs it is already searching: its
   * chunks are queued for the local scanner (copied: they may be views of a buffer the archive
   * reader reuses) under the same cap as the workers' queues, so reading on never outruns it.
   */
  async #streamLocally(local: NonNullable<LayerPoolOptions['local']>, job: number, path: string, format: BlobFormat, chunks: AsyncIterable<Buffer>): Promise<void> {
    const inbox = new ChunkInbox((bytes) => {
      this.#queued -= bytes;
      if (this.#queued < this.#cap) this.#wakeSenders();
    });
    this.#localJobs.add(job);
    this.#localInboxes.add(inbox);
    LayerPool.localJobs++;
    LayerPool.localPeak = Math.max(LayerPool.localPeak, this.#localJobs.size);
    void scanBlob(new ByteReader(inbox), path, format, local.scanner, local.active).then((outcome) => this.#localDone(job, outcome, inbox));
    for await (const chunk of chunks) {
      if (this.#closed) continue;
      while (this.#queued >= this.#cap && !this.#closed) await new Promise<void>((r) => this.#drained.push(r));
      if (this.#closed) continue;
      this.#queued += chunk.length;
      inbox.put(Buffer.from(chunk));
    }
    inbox.end();
  }

  #localDone(job: number, outcome: BlobOutcome, inbox?: ChunkInbox): void {
    this.#localJobs.delete(job);
    if (inbox) this.#localInboxes.delete(inbox);
    this.#settle(job, outcome);
    this.#dispatch();
  }

  /**
   * Search a blob whose bytes lie in a file (`size` bytes at `range.offset`): the worker reads them
   * itself, so the calling thread only has to skip over them. Blobs are handed out one per worker
   * as workers come free, so uneven layers still keep every worker busy. Never rejects: a blob the
   * worker cannot read (the file shrank, vanished) comes back unscanned, naming why.
   */
  scanFile(path: string, format: BlobFormat, range: BlobFileRange, size: number): Promise<BlobOutcome> {
    const job = this.#nextJob++;
    LayerPool.fileJobs++;
    const outcome = new Promise<BlobOutcome>((resolve) => this.#jobs.set(job, { resolve }));
    if (this.#closed) this.#settle(job, { unscanned: 'the audit stopped before this layer was searched' });
    else {
      this.#fileQueue.push({ type: 'file', job, path, format, file: range.file, offset: range.offset, size });
      this.#dispatch();
    }
    return outcome;
  }

  /**
   * Give queued file jobs to the calling thread while it takes a share and has a free slot, else
   * to workers that have none: idle ones first, then new ones, then busy ones.
   */
  #dispatch(): void {
    while (this.#fileQueue.length > 0 && !this.#closed) {
      if (this.#local && !this.#localHeld && this.#localJobs.size < this.#localLayers) {
        this.#scanLocally(this.#local, this.#fileQueue.shift()!);
        continue;
      }
      const live = this.#workers.filter((w) => !w.dead);
      const limit = this.#size - this.#localLayers;
      const worker = live.find((w) => w.jobs.size === 0) ?? (live.length < limit ? this.#start() : live.find((w) => w.fileJob === undefined));
      if (!worker) return;
      const message = this.#fileQueue.shift()!;
      worker.fileJob = message.job;
      worker.jobs.add(message.job);
      worker.thread.postMessage(message satisfies ToWorker);
    }
  }

  /**
   * The calling thread has read the whole archive and may now take its share of the queued blobs.
   * Until then it only reads: searching a layer on the same thread would slow the reading, and
   * with it the hand-out of every later layer to the workers.
   */
  releaseLocal(): void {
    this.#localHeld = false;
    this.#dispatch();
  }

  #scanLocally(local: NonNullable<LayerPoolOptions['local']>, message: Extract<ToWorker, { type: 'file' }>): void {
    this.#localJobs.add(message.job);
    LayerPool.localJobs++;
    LayerPool.localPeak = Math.max(LayerPool.localPeak, this.#localJobs.size);
    void scanFileRange(message, local.scanner, local.active).then((outcome) => this.#localDone(message.job, outcome));
  }

  #settle(job: number, outcome: BlobOutcome): void {
    this.#jobs.get(job)?.resolve(outcome);
    this.#jobs.delete(job);
  }

  async #send(worker: PooledWorker, job: number, path: string, format: BlobFormat, chunks: AsyncIterable<Buffer>): Promise<void> {
    if (!worker.dead) worker.thread.postMessage({ type: 'begin', job, path, format } satisfies ToWorker);
    // Chunks are gathered into messages of up to MESSAGE_BYTES: one copy (the chunks may be views
    // of a buffer the archive reader still uses), then the message's buffer is moved, not cloned.
    let batch = new Uint8Array(MESSAGE_BYTES);
    let filled = 0;
    const post = async (): Promise<void> => {
      if (filled === 0 || worker.dead || this.#closed) return;
      while (this.#queued >= this.#cap && !worker.dead) await new Promise<void>((r) => this.#drained.push(r));
      if (worker.dead) return;
      const data = filled === batch.length ? batch.buffer : batch.slice(0, filled).buffer;
      this.#queued += filled;
      worker.queued += filled;
      worker.thread.postMessage({ type: 'chunk', job, data } satisfies ToWorker, [data]);
      batch = new Uint8Array(MESSAGE_BYTES);
      filled = 0;
    };
    for await (const chunk of chunks) {
      // A dead worker's job is already failed: drain the entry so the archive reads on.
      if (worker.dead || this.#closed) continue;
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(chunk.length - at, MESSAGE_BYTES - filled);
        batch.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === MESSAGE_BYTES) await post();
      }
    }
    await post();
    if (!worker.dead) worker.thread.postMessage({ type: 'end', job } satisfies ToWorker);
  }

  /** A worker for a streamed blob: a new one while fewer than the workers' share run, else the least busy; none when the calling thread holds every slot. */
  #pick(): PooledWorker | undefined {
    const live = this.#workers.filter((w) => !w.dead);
    if (live.length < this.#size - this.#localLayers) return this.#start();
    return live.length === 0 ? undefined : live.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  }

  #start(): PooledWorker {
    const execArgv = workerExecArgv(process.execArgv);
    // A worker an earlier audit left idle has its code warm: it only needs this audit's patterns.
    const reused = unpark(this.#parkKey(execArgv));
    const thread = reused ?? new Worker(this.#url, { workerData: this.#init, execArgv });
    if (reused) reused.postMessage({ type: 'init', ...this.#init } satisfies ToWorker);
    else LayerPool.threadsStarted++;
    LayerPool.workersUsed++;
    const worker: PooledWorker = { thread, jobs: new Set(), queued: 0 };
    this.#workers.push(worker);
    thread.on('message', (message: FromWorker) => {
      if (message.type === 'ack') {
        this.#queued -= message.bytes;
        worker.queued -= message.bytes;
        if (this.#queued < this.#cap) this.#wakeSenders();
      } else {
        worker.jobs.delete(message.job);
        this.#settle(message.job, message.outcome);
        if (worker.fileJob === message.job) {
          worker.fileJob = undefined;
          this.#dispatch();
        }
      }
    });
    thread.on('error', (err) => this.#fail(worker, `the scanning worker failed (${err.message})`));
    thread.on('exit', (code) => this.#fail(worker, `the scanning worker exited (code ${code})`));
    return worker;
  }

  /** Every layer the worker had is unscanned, naming why; bytes it held no longer count. */
  #fail(worker: PooledWorker, reason: string): void {
    if (worker.dead) return;
    worker.dead = reason;
    for (const job of worker.jobs) this.#settle(job, { unscanned: reason });
    worker.jobs.clear();
    worker.fileJob = undefined;
    this.#queued -= worker.queued;
    worker.queued = 0;
    this.#wakeSenders();
    // Blobs still queued go to the other workers (or a new one).
    this.#dispatch();
  }

  #wakeSenders(): void {
    const waiting = this.#drained;
    this.#drained = [];
    for (const wake of waiting) wake();
  }

  /** For tests: make one worker throw, as a crash would. */
  crashForTest(): void {
    for (const w of this.#workers) if (!w.dead) w.thread.postMessage({ type: 'crash-for-test' } satisfies ToWorker);
  }

  #parkKey(execArgv: readonly string[]): string {
    return `${this.#url.href}\u0000${execArgv.join('\u0000')}`;
  }

  /**
   * Stop every worker; layers still in flight come back unscanned. Idle, healthy workers are
   * parked for the next audit in this process (see `parked-workers.ts`), the others terminated.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const key = this.#parkKey(workerExecArgv(process.execArgv));
    for (const w of this.#workers) {
      if (w.dead || w.jobs.size > 0) continue;
      w.dead = 'parked for the next audit';
      park(w.thread, key);
    }
    const busy = this.#workers.filter((w) => w.dead === undefined);
    for (const { job } of this.#fileQueue.splice(0)) this.#settle(job, { unscanned: 'the audit stopped before this layer was searched' });
    for (const job of this.#localJobs) this.#settle(job, { unscanned: 'the audit stopped before this layer was searched' });
    for (const inbox of this.#localInboxes) inbox.end();
    this.#wakeSenders();
    await Promise.all(busy.map((w) => w.thread.terminate()));
    for (const w of busy) this.#fail(w, 'the audit stopped before this layer was searched');
  }
}
