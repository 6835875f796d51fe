import type { Transform } from 'node:stream';
import { AbortedError, AuditError, isBuildSecretsError, TimeoutError } from '@buildsecrets/base';
import { scanSequential, type ArchiveScan } from './archive-reader.js';
import { ContentScanner } from './content-scanner.js';
import { buildReport } from './report-builder.js';
import { LayerPool } from './layer-pool.js';
import { defaultScannerCount } from './pool-sizing.js';
import { DEFAULT_BLOB_CONCURRENCY, scanRandomAccess } from './scan-random-access.js';
import { buildPatterns } from './scanner/patterns.js';
import type { ImageListing, ImageSource } from './source/image-source.js';
import type { AuditReport, AuditSecret } from './types.js';

const DEFAULT_TIMEOUT_MS = 20 * 60_000;

/** Options for {@link auditSource}. */
export interface AuditSourceOptions {
  /** The values to look for. */
  readonly secrets: readonly AuditSecret[];
  /** Cancels the audit (the source is closed). */
  readonly signal?: AbortSignal;
  /** Upper bound for the whole audit in milliseconds (default 20 minutes). */
  readonly timeoutMs?: number;
  /** The `rootfs.diff_ids` of each base image; see {@link AuditOptions.baseDiffIds}. */
  readonly baseDiffIds?: readonly (readonly string[])[];
  /**
   * How many layers of 1 MiB or more are searched at once (default: twice the machine's cores, at
   * most 4); a random-access source also fetches that many blobs at once (default 4). `1` searches
   * everything on the calling thread, one blob at a time. The report is the same either way.
   */
  readonly concurrency?: number;
  /** Of those, how many the calling thread searches itself; see {@link AuditOptions.callingThreadLayers}. */
  readonly callingThreadLayers?: number;
}

/**
 * Audit an image wherever an {@link ImageSource} reads it from: every layer, config and describing
 * document (indexes, manifests, attestations) of every image it lists, platform by platform. A
 * random-access source has its blobs scanned concurrently; a sequential one in one pass. The source
 * is closed at the end. Findings name the platform (and attestation) they are in.
 *
 * @example
 * ```ts
 * const report = await auditSource(openImageSource('oci:./out:v1'), { secrets });
 * ```
 */
export async function auditSource(source: ImageSource, options: AuditSourceOptions): Promise<AuditReport> {
  const { patterns, tooShort } = buildPatterns(options.secrets);
  const scanner = new ContentScanner(patterns);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.any([...(options.signal ? [options.signal] : []), AbortSignal.timeout(timeoutMs)]);
  const aborted = (): Error =>
    options.signal?.aborted ? new AbortedError(`the audit of ${source.name} was cancelled`) : new TimeoutError(`the audit of ${source.name} did not finish within ${timeoutMs} ms`, { hint: 'raise timeoutMs for very large images' });
  if (signal.aborted) throw aborted();
  const active = new Set<Transform>();
  const workers = options.concurrency ?? defaultScannerCount();
  // Workers start only when a layer large enough to be worth one arrives and this thread's share
  // is taken (on up to 2 cores it takes every layer: no worker starts). Layers read from a file
  // are taken once it has read the archive; streamed ones as they arrive.
  const local = options.callingThreadLayers === 0 ? {} : { local: { scanner, active }, ...(options.callingThreadLayers ? { localLayers: options.callingThreadLayers } : {}) };
  const pool = workers > 1 && patterns.length > 0 ? new LayerPool(patterns, { size: workers, ...local }) : undefined;
  const stop = (): void => {
    void source.close();
    void pool?.close();
    for (const stream of active) stream.destroy();
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    let scan: ArchiveScan;
    let listing: ImageListing;
    if (source.access === 'random') {
      listing = await source.list(signal);
      scan = await scanRandomAccess(source, listing, signal, scanner, active, options.concurrency ?? DEFAULT_BLOB_CONCURRENCY, pool);
    } else {
      scan = await scanSequential(source.blobs(signal), scanner, active, pool);
      listing = source.list();
    }
    if (signal.aborted) throw aborted();
    return buildReport(source.name, scan, scanner, tooShort, options.baseDiffIds, listing);
  } catch (err) {
    if (signal.aborted) throw aborted();
    if (isBuildSecretsError(err)) throw err;
    throw new AuditError(`could not read ${source.name}`, { cause: err });
  } finally {
    await pool?.close();
    signal.removeEventListener('abort', stop);
    stop();
  }
}
