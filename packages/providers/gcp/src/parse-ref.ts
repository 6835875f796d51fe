/** A parsed `ref` (+ `version`): what to ask Secret Manager for. */
export interface GcpSecretAddress {
  /** Project id or number; `undefined` for a short name (filled from options or ADC). */
  readonly project: string | undefined;
  /** Location of a regional secret. */
  readonly location: string | undefined;
  readonly secret: string;
  /** `latest`, or a version number. */
  readonly version: string;
}

const FULL = /^projects\/([^/]+)\/(?:locations\/([^/]+)\/)?secrets\/([A-Za-z0-9_-]{1,255})(?:\/versions\/([^/]+))?$/;
const SHORT = /^[A-Za-z0-9_-]{1,255}$/;
const VERSION = /^(?:latest|[1-9]\d{0,18})$/;

/**
 * Read a ref as gcloud users write it: a short secret name, or a full resource name
 * `projects/<p>/secrets/<s>[/versions/<v>]` (with `locations/<l>/` for regional secrets).
 * `version` (default `latest`) may not contradict a version in the ref. Returns a reason on failure.
 */
export function parseRef(ref: string, version: string | undefined): GcpSecretAddress | { readonly invalid: string } {
  const full = FULL.exec(ref);
  const short = full ? undefined : SHORT.exec(ref);
  if (!full && !short) return { invalid: 'ref must be a secret name or projects/<project>/secrets/<name>[/versions/<version>]' };
  const inRef = full?.[4];
  if (inRef !== undefined && version !== undefined && inRef !== version) return { invalid: `ref pins version ${inRef} but version says ${version}` };
  const chosen = version ?? inRef ?? 'latest';
  if (!VERSION.test(chosen)) return { invalid: 'version must be "latest" or a version number' };
  return { project: full?.[1], location: full?.[2], secret: full?.[3] ?? ref, version: chosen };
}

/** The SecretVersion resource name for an address whose project is known. */
export function versionName(a: GcpSecretAddress, project: string, defaultLocation: string | undefined): string {
  const location = a.project === undefined ? defaultLocation : a.location;
  return `projects/${a.project ?? project}/${location ? `locations/${location}/` : ''}secrets/${a.secret}/versions/${a.version}`;
}
