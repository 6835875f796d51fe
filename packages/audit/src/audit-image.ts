import { UsageError } from '@buildsecrets/base';
import { archiveFile, dockerSave } from './archive-stream.js';
import { auditSource } from './audit-source.js';
import { tarStreamSource } from './source/tar-stream-source.js';
import type { AuditOptions, AuditReport } from './types.js';

/**
 * Search a built image for the given secret values — raw and in every encoding the redactor
 * knows — in its layers (every file, including files a later layer deletes), its config (env,
 * labels, command, every history step) and its manifests. The image is streamed from
 * `docker save` (or read from an archive file) in one pass and never extracted to disk.
 * For any other place an image lives, see `auditSource` in `@buildsecrets/audit`.
 *
 * Resolves with an {@link AuditReport} (which never contains a value); rejects with
 * `AuditError` when the image cannot be read, `TimeoutError` or `AbortedError`.
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
  const source =
    options.image !== undefined
      ? tarStreamSource('docker-daemon', options.image, () => dockerSave(options.image!, options.docker ?? 'docker', options.env ?? {}, options.exportCommand), `image ${options.image}`)
      : tarStreamSource('docker-archive', options.archive!, () => archiveFile(options.archive!), `archive ${options.archive}`);
  return auditSource(source, options);
}
