import type { Transform } from 'node:stream';
import { AbortedError, AuditError, TimeoutError, UsageError } from '@buildsecrets/base';
import { isBuildSecretsError } from '@buildsecrets/base';
import { buildPatterns } from './scanner/patterns.js';
import { scanArchive } from './archive-reader.js';
import { ContentScanner } from './content-scanner.js';
import { archiveFile, dockerSave, type ImageSource } from './image-source.js';
import { buildReport } from './report-builder.js';
import type { AuditOptions, AuditReport } from './types.js';

const DEFAULT_TIMEOUT_MS = 20 * 60_000;
/** After a read failure, how long to wait for `docker save` to report its own (better) error. */
const PRODUCER_GRACE_MS = 2_000;

function readFailure(err: unknown, label: string): Error {
  if (isBuildSecretsError(err)) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return new AuditError(`${label} was not found`, { cause: err, hint: 'check the path to the archive' });
  if (typeof code === 'string' && code.startsWith('Z_')) return new AuditError(`a layer in ${label} could not be decompressed (corrupt gzip data)`, { cause: err });
  return new AuditError(`could not read ${label}`, { cause: err });
}

async function producerError(source: ImageSource): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PRODUCER_GRACE_MS)));
  try {
    return await Promise.race([source.finished().then(() => undefined, (e: unknown) => e), grace]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Search a built image for the given secret values — raw and in every encoding the redactor
 * knows — in its layers (every file, including files a later layer deletes), its config (env,
 * labels, command, every history step) and its manifests. The image is streamed from
 * `docker save` (or read from an archive file) in one pass and never extracted to disk.
 *
 * Resolves with an {@link AuditReport} (which never contains a value); rejects with
 * {@link AuditError} when the image cannot be read, {@link TimeoutError} or {@link AbortedError}.
 *
 * @example
 * ```ts
 * const report = await auditImage({ image: 'app:ci', secrets: [{ id: 'npm_token', value }] });
 * if (report.findings.length > 0) throw new LeakDetectedError(report.findings, { image: 'app:ci' });
 * ```
 */
export async function auditImage(options: AuditOptions): Promise<AuditReport> {
  if ((options.image === undefined) === (options.archive === undefined)) {
    throw new UsageError('auditImage needs exactly one of `image` and `archive`');
  }
  const label = options.image !== undefined ? `image ${options.image}` : `archive ${options.archive}`;
  const { patterns, tooShort } = buildPatterns(options.secrets);
  const scanner = new ContentScanner(patterns);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.any([...(options.signal ? [options.signal] : []), AbortSignal.timeout(timeoutMs)]);
  const aborted = (): Error =>
    options.signal?.aborted ? new AbortedError(`the audit of ${label} was cancelled`) : new TimeoutError(`the audit of ${label} did not finish within ${timeoutMs} ms`, { hint: 'raise timeoutMs for very large images' });
  if (signal.aborted) throw aborted();

  const source = options.image !== undefined ? dockerSave(options.image, options.docker ?? 'docker', options.env ?? {}, options.exportCommand) : archiveFile(options.archive!);
  const active = new Set<Transform>();
  const stop = (): void => {
    source.destroy();
    for (const stream of active) stream.destroy();
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    const scan = await scanArchive(source.stream, label, scanner, active);
    // A layer cut short by the abort is recorded as unscanned; the abort itself is the answer.
    if (signal.aborted) throw aborted();
    await source.finished();
    return buildReport(options.image ?? options.archive!, scan, scanner, tooShort, options.baseDiffIds);
  } catch (err) {
    if (signal.aborted) throw aborted();
    // A truncated stream usually means `docker save` failed: its message says why.
    const fromProducer = await producerError(source);
    throw fromProducer ?? readFailure(err, label);
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
  }
}
