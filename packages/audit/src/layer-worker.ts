/**
 * Entry of a scanning worker thread (see `layer-pool.ts`). It compiles the patterns once, then
 * searches each blob it is sent, chunk by chunk, with the same code the main thread uses, and
 * answers with the scan (or why the blob could not be searched).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Transform } from 'node:stream';
import { ByteReader } from './byte-reader.js';
import { ChunkInbox } from './chunk-inbox.js';
import { ContentScanner } from './content-scanner.js';
import { scanFileRange } from './file-range-scan.js';
import { scanBlob } from './layer-blob.js';
import type { SecretPattern } from './scanner/patterns.js';
import type { ToWorker, WorkerInit } from './layer-pool.js';

function scannerFor(init: WorkerInit): ContentScanner {
  const patterns: SecretPattern[] = init.patterns.map((p) => ({ ...p, bytes: Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength) }));
  return new ContentScanner(patterns);
}

// Replaced by each `init`: a parked worker is reused by the next audit, with that audit's patterns.
let scanner = scannerFor(workerData as WorkerInit);
const inboxes = new Map<number, ChunkInbox>();
const active = new Set<Transform>();

parentPort!.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    scanner = scannerFor(message);
  } else if (message.type === 'begin') {
    const job = message.job;
    // Each chunk the scanner takes is acknowledged: the pool counts bytes queued, not bytes sent.
    const inbox = new ChunkInbox((bytes) => parentPort!.postMessage({ type: 'ack', job, bytes }));
    inboxes.set(message.job, inbox);
    void scanBlob(new ByteReader(inbox), message.path, message.format, scanner, active).then((outcome) => {
      inboxes.delete(message.job);
      parentPort!.postMessage({ type: 'done', job: message.job, outcome });
    });
  } else if (message.type === 'file') {
    void scanFileRange(message, scanner, active).then((outcome) => parentPort!.postMessage({ type: 'done', job: message.job, outcome }));
  } else if (message.type === 'chunk') {
    inboxes.get(message.job)?.put(Buffer.from(message.data));
  } else if (message.type === 'end') {
    inboxes.get(message.job)?.end();
  } else if (message.type === 'crash-for-test') {
    throw new Error('worker crashed on purpose (test)');
  }
});
