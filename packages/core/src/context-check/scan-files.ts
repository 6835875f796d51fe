import { open } from 'node:fs/promises';
import type { ContentScanner } from '../audit/content-scanner.js';
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

/**
 * Read one file in chunks through the scanner. Two buffers alternate, because the stream search
 * keeps the tail of the previous chunk (without copying it) to find matches across the boundary.
 */
async function scanOne(file: ContextFile, scanner: ContentScanner, out: FileScanResult, buffers: [Buffer, Buffer]): Promise<void> {
  const handle = await open(file.abs, 'r').catch(() => undefined);
  // A file that vanished or cannot be read: the engine would fail on it, not send it.
  if (!handle) return;
  const rule = credentialRule(file.path);
  let head: Buffer | undefined;
  try {
    const search = scanner.begin();
    for (let turn = 0; ; turn ^= 1) {
      const buf = buffers[turn]!;
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      search.push(chunk);
      if (rule?.needs && (head?.length ?? 0) < CREDENTIAL_SNIFF_BYTES) head = Buffer.concat(head ? [head, chunk] : [chunk]);
    }
    out.files++;
    out.bytes += search.bytes;
    for (const index of search.found) {
      const pattern = scanner.patterns[index]!;
      if (!out.leaks.some((l) => l.path === file.path && l.secretId === pattern.secretId)) {
        out.leaks.push({ path: file.path, secretId: pattern.secretId, encoding: pattern.encoding });
      }
    }
    if (rule && confirmsRule(rule, head ?? Buffer.alloc(0))) out.credentialFiles.push({ path: file.path, kind: rule.kind });
  } finally {
    head?.fill(0);
    await handle.close();
  }
}

/** A pool of `concurrency` readers fed while the walk is still producing files. */
export function createFileScanPool(scanner: ContentScanner, concurrency: number): { add(file: ContextFile): void; done(): Promise<FileScanResult> } {
  const out: FileScanResult = { leaks: [], credentialFiles: [], files: 0, bytes: 0 };
  const queue: ContextFile[] = [];
  const idle: [Buffer, Buffer][] = Array.from({ length: concurrency }, () => [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)]);
  let running = 0;
  let closed = false;
  let failure: unknown;
  let finish: (() => void) | undefined;
  const settle = (): void => {
    if (closed && running === 0 && queue.length === 0) finish?.();
  };
  const pump = (): void => {
    while (idle.length > 0 && queue.length > 0 && failure === undefined) {
      const buffers = idle.pop()!;
      const file = queue.pop()!;
      running++;
      scanOne(file, scanner, out, buffers).then(
        () => undefined,
        (error: unknown) => (failure ??= error),
      ).finally(() => {
        idle.push(buffers);
        running--;
        pump();
        settle();
      });
    }
  };
  return {
    add(file) {
      queue.push(file);
      pump();
    },
    done() {
      closed = true;
      return new Promise<void>((resolve) => {
        finish = resolve;
        settle();
      }).then(() => {
        // Context files may hold values: wipe what the readers saw, once at the end (not per file).
        for (const [a, b] of idle) {
          a.fill(0);
          b.fill(0);
        }
        if (failure !== undefined) throw failure;
        return out;
      });
    },
  };
}
