import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ContentScanner } from '@buildsecrets/audit';
import { confirmsRule, credentialRule, CREDENTIAL_SNIFF_BYTES, type CredentialFile } from './credential-files.js';
import type { ContextFile } from './walk-context.js';

/** A resolved value found in a context file. Never holds the value. */
export interface ContextLeak {
  /** Path relative to the context. */
  readonly path: string;
  /** The secret whose value is in the file. */
  readonly secretId: string;
  /** The encoding it was found in (`raw`, `base64`, …). */
  readonly encoding: string;
}

/** What scanning a set of files found. */
export interface FileScanResult {
  leaks: ContextLeak[];
  credentialFiles: CredentialFile[];
  files: number;
  bytes: number;
}

const CHUNK = 256 * 1024;
/** The event loop gets a turn at least this often (signals, aborts, the directory walk). */
const SLICE_MS = 10;

/**
 * Read one file in chunks through the scanner with plain synchronous reads. For files in the page
 * cache a read() costs microseconds, while each asynchronous fs call is a thread-pool round trip
 * and two promise hops — on a 50,000-file context that overhead, not the search, set the speed.
 * Two buffers alternate, because the stream search keeps the tail of the previous chunk (without
 * copying it) to find matches across the boundary. A short read ends a regular file, which saves
 * the extra read() that would return 0.
 */
function scanOne(file: ContextFile, scanner: ContentScanner, out: FileScanResult, buffers: readonly [Buffer, Buffer]): void {
  let fd: number;
  try {
    fd = openSync(file.abs, 'r');
  } catch {
    // A file that vanished or cannot be read: the engine would fail on it, not send it.
    return;
  }
  const rule = credentialRule(file.path);
  let head: Buffer | undefined;
  try {
    const search = scanner.begin();
    for (let turn = 0; ; turn ^= 1) {
      const buf = buffers[turn]!;
      const read = readSync(fd, buf, 0, CHUNK, null);
      if (read === 0) break;
      const chunk = buf.subarray(0, read);
      search.push(chunk);
      if (rule?.needs && (head?.length ?? 0) < CREDENTIAL_SNIFF_BYTES) head = Buffer.concat(head ? [head, chunk] : [chunk]);
      if (read < CHUNK) break;
    }
    out.files++;
    out.bytes += search.bytes;
    for (const index of search.finish()) {
      const pattern = scanner.patterns[index]!;
      if (!out.leaks.some((l) => l.path === file.path && l.secretId === pattern.secretId)) {
        out.leaks.push({ path: file.path, secretId: pattern.secretId, encoding: pattern.encoding });
      }
    }
    if (rule && confirmsRule(rule, head ?? Buffer.alloc(0))) out.credentialFiles.push({ path: file.path, kind: rule.kind });
  } finally {
    head?.fill(0);
    closeSync(fd);
  }
}

/**
 * Files are scanned as the walk finds them: the walk's directory reads run in the thread pool
 * while this thread reads and searches file contents, in slices that give the event loop a turn
 * every few milliseconds. Memory is bounded: two 256 KiB buffers and the queue of paths.
 */
export function createFileScanPool(scanner: ContentScanner, signal?: AbortSignal): { add(file: ContextFile): void; done(): Promise<FileScanResult> } {
  const out: FileScanResult = { leaks: [], credentialFiles: [], files: 0, bytes: 0 };
  const queue: ContextFile[] = [];
  const buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let closed = false;
  let wake: (() => void) | undefined;
  const drain = async (): Promise<void> => {
    for (;;) {
      signal?.throwIfAborted();
      const until = Date.now() + SLICE_MS;
      // The clock is read every 32 files: on small files it would otherwise cost more than the read.
      for (let n = 0; queue.length > 0 && ((n & 31) !== 0 || Date.now() < until); n++) scanOne(queue.pop()!, scanner, out, buffers);
      if (queue.length > 0) {
        await yieldToLoop();
        continue;
      }
      if (closed) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const draining = drain().finally(() => {
    // Context files may hold values: wipe what the reader saw.
    buffers[0].fill(0);
    buffers[1].fill(0);
  });
  // A failed drain is reported by done(); until then, keep it from being an unhandled rejection.
  draining.catch(() => undefined);
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    add(file) {
      queue.push(file);
      poke();
    },
    async done() {
      closed = true;
      poke();
      await draining;
      return out;
    },
  };
}
