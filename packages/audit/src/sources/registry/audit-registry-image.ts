/**
 * `audit docker://…`: the image is read from the registry over the Registry HTTP API v2 (no
 * daemon) through the blob-level {@link createRegistryImageSource}; the audit scans its blobs
 * concurrently, platform by platform, each verified against its digest while it is scanned. A
 * registry failure of any kind — a digest mismatch included — fails the audit with its typed error;
 * it is never a finding and never an "unscanned" footnote.
 */
import { auditSource } from '../../audit-source.js';
import type { AuditReport, AuditSecret } from '../../types.js';
import type { RegistryClientOptions } from './registry-client.js';
import { createRegistryImageSource } from './registry-image-source.js';

/** Options for {@link auditRegistryImage}. */
export interface AuditRegistryOptions extends RegistryClientOptions {
  /** What follows `docker://`: `[HOST[:PORT]/]REPO[:TAG|@DIGEST]`. */
  readonly reference: string;
  /** The values to look for. */
  readonly secrets: readonly AuditSecret[];
  /** Cancels the audit. */
  readonly signal?: AbortSignal;
  /** Upper bound for the whole audit (default 20 minutes). */
  readonly timeoutMs?: number;
  /** Blobs downloaded and scanned at once (default 4). */
  readonly concurrency?: number;
  /** `rootfs.diff_ids` of base images, as for `auditImage`. */
  readonly baseDiffIds?: readonly (readonly string[])[];
}

/** Audit an image where it lives, in a registry. Resolves with the report and the root manifest's digest; rejects with a typed error. */
export async function auditRegistryImage(options: AuditRegistryOptions): Promise<AuditReport & { readonly digest: string }> {
  const source = createRegistryImageSource(options.reference.replace(/^docker:\/\//, ''), options);
  let digest = '';
  const listed = source.list.bind(source);
  const counting = {
    ...source,
    list: async (signal: AbortSignal) => {
      const listing = await listed(signal);
      digest = listing.root.digest;
      return listing;
    },
  };
  const report = await auditSource(counting, {
    secrets: options.secrets,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.baseDiffIds ? { baseDiffIds: options.baseDiffIds } : {}),
  });
  return { ...report, digest };
}
