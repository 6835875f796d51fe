// The docker:// image source: a Registry HTTP API v2 reader for the audit.
export { auditRegistryImage, type AuditRegistryOptions } from './audit-registry-image.js';
// Named apart from the transport parser (`parseImageReference`): this one reads a docker reference (HOST/REPO:TAG).
export { parseImageReference as parseDockerReference, formatReference as formatDockerReference, type ImageReference as DockerReference } from './image-reference.js';
export { RegistryClient, type RegistryClientOptions, type FetchedManifest } from './registry-client.js';
export { RegistryCredentials, findRegistryCredentials, dockerConfigDir } from './docker-credentials.js';
export type { RegistryTlsSettings } from './registry-tls.js';
export type { RegistryTimeouts } from './registry-http.js';
export type { RetryPolicy } from './retry-policy.js';
export { RegistryAuthenticationError, RegistryPermissionError, ImageNotFoundError, RegistryUnavailableError, DigestMismatchError, UnsupportedManifestError, RegistryTlsError, type RegistryErrorContext } from './registry-errors.js';
export { createRegistryImageSource, type RegistryImageSource } from './registry-image-source.js';
export { listRegistryImage, type RegistryListing, type RegistryListedImage, type RegistryDescriptor, type RegistryPlatform } from './registry-listing.js';
