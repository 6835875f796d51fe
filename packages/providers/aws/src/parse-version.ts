/** How a `version` pin is sent to GetSecretValue. */
export type AwsVersionSelector =
  | { readonly kind: 'current' }
  | { readonly kind: 'id'; readonly VersionId: string }
  | { readonly kind: 'stage'; readonly VersionStage: string };

const STAGE_PREFIX = 'stage:';

/**
 * Read a `version` pin: a VersionId as `aws secretsmanager get-secret-value --version-id` takes it,
 * or `stage:<label>` (`stage:AWSPREVIOUS`, a custom label) for `--version-stage`.
 * Returns `undefined` for a pin that cannot be valid.
 */
export function parseVersion(version: string | undefined): AwsVersionSelector | undefined {
  if (version === undefined) return { kind: 'current' };
  if (version.startsWith(STAGE_PREFIX)) {
    const label = version.slice(STAGE_PREFIX.length);
    return /^[\w.@+=-]{1,256}$/.test(label) ? { kind: 'stage', VersionStage: label } : undefined;
  }
  return /^[\w-]{32,64}$/.test(version) ? { kind: 'id', VersionId: version } : undefined;
}

/** A human form of the selector for messages (a version id or stage label is not a secret). */
export function describeVersion(selector: AwsVersionSelector): string {
  if (selector.kind === 'id') return ` version ${selector.VersionId}`;
  if (selector.kind === 'stage') return ` stage ${selector.VersionStage}`;
  return '';
}
