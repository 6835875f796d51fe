/**
 * `audit docker://…`: the image is read from the registry over the Registry HTTP API v2 (no
 * daemon), presented to the audit's archive reader as an OCI layout streamed on the fly, and every
 * blob is verified against its digest while it is scanned. A registry failure of any kind — a
 * digest mismatch included — fails the audit with its typed error; it is never a finding and never
 * an "unscanned" footnote.
 */
import { Readable, type Transform } from 'node:stream';
import { scanArchive } from '../../archive-reader.js';
import { ContentScanner } from '../../content-scanner.js';
import { buildReport } from '../../report-builder.js';
import type { AuditReport, AuditSecret } from '../../types.js';
import { buildPatterns } from '../../scanner/patterns.js';
import { ociTarStream } from './oci-tar-stream.js';
import type { RegistryClientOptions } from './registry-client.js';
import { AbortedError, AuditError, BuildSecretsError, TimeoutError } from './registry-errors.js';
import { openRegistryImage } from './registry-image.js';

/** Options for {@link auditRegistryImage}. */
export interface AuditRegistryOptions extends RegistryClientOptions {
  /** What follows `docker://`: `[HOST[:PORT]/]REPO[:TAG|@DIGEST]`. */
  readonly reference: string;
  readonly secrets: readonly AuditSecret[];
  readonly signal?: AbortSignal;
  /** Upper bound for the whole audit (default 20 minutes). */
  readonly timeoutMs?: number;
  /** Layers downloading at once (default 3). */
  readonly concurrency?: number;
  /** `rootfs.diff_ids` of base images, as for `auditImage`. */
  readonly baseDiffIds?: readonly (readonly string[])[];
}

const DEFAULT_TIMEOUT_MS = 20 * 60_000;
/** Read-ahead per layer: bounded memory, enough to keep a connection busy while another layer is scanned. */
const READ_AHEAD_BYTES = 8 << 20;

/** Audit an image where it lives, in a registry. Resolves with the report; rejects with a typed error. */
export async function auditRegistryImage(options: AuditRegistryOptions): Promise<AuditReport & { readonly digest: string }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.any([...(options.signal ? [options.signal] : []), AbortSignal.timeout(timeoutMs)]);
  const label = `docker://${options.reference.replace(/^docker:\/\//, '')}`;
  const aborted = (): Error => (options.signal?.aborted ? new AbortedError(`the audit of ${label} was cancelled`) : new TimeoutError(`the audit of ${label} did not finish within ${timeoutMs} ms`));
  const { patterns, tooShort } = buildPatterns(options.secrets);
  const scanner = new ContentScanner(patterns);
  let image;
  try {
    image = await openRegistryImage(options.reference, options, signal);
  } catch (err) {
    if (signal.aborted && !(err instanceof BuildSecretsError && err.code !== 'ABORTED')) throw aborted();
    throw err;
  }
  // The first failure of the registry side wins over whatever the reader makes of a cut-off stream.
  let failure: unknown;
  const tar = ociTarStream(image.items, { concurrency: Math.max(1, options.concurrency ?? 3), bytesPerBlob: READ_AHEAD_BYTES });
  const guarded = (async function* () {
    try {
      yield* tar;
    } catch (err) {
      failure ??= err;
      throw err;
    }
  })();
  const stream = Readable.from(guarded, { objectMode: false, highWaterMark: 1 << 20 });
  const active = new Set<Transform>();
  try {
    const scan = await scanArchive(stream, label, scanner, active);
    if (failure !== undefined) throw failure;
    if (signal.aborted) throw aborted();
    const report = buildReport(`docker://${image.label}`, scan, scanner, tooShort, options.baseDiffIds);
    return { ...report, digest: image.digest };
  } catch (err) {
    if (signal.aborted) throw aborted();
    if (failure !== undefined) throw failure;
    if (err instanceof BuildSecretsError) throw err;
    throw new AuditError(`could not read ${label}`, { cause: err });
  } finally {
    stream.destroy();
    for (const s of active) s.destroy();
    await tar.return(undefined).catch(() => undefined);
    image.client.close();
  }
}
