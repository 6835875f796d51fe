/**
 * The buildsecrets image audit: reads an image where it lives and searches every layer, config and
 * manifest for secret values, raw and in every encoding the redactor knows. It knows nothing of
 * engines or builds: `@buildsecrets/core`'s build calls it like any other caller (the CLI's
 * `audit`, the GitHub Action).
 *
 * @packageDocumentation
 */
export { auditImage } from './audit-image.js';
export type { AuditOptions, AuditReport, AuditSecret, UnscannedLayer } from './types.js';
export { formatAuditReport, formatFindings, type FormatAuditReportOptions } from './format-report.js';
export { auditExport, type ExportTarget } from './audit-export.js';
export {
  DEFAULT_AUDIT_SETTINGS,
  parseAuditMode,
  parseBaseLayersPolicy,
  resolveAuditSettings,
  type AuditMode,
  type AuditSettingInput,
  type AuditSettings,
  type BaseLayersPolicy,
} from './audit-settings.js';
export { auditSource, type AuditSourceOptions } from './audit-source.js';
export type {
  BlobDescriptor,
  ImageListing,
  ImageSource,
  ListedImage,
  Platform,
  RandomAccessImageSource,
  SequentialImageSource,
  StreamedBlob,
  BlobFileRange,
  TransportName,
} from './source/image-source.js';
export { formatPlatform } from './source/image-source.js';
export { ociLayoutSource } from './source/oci-layout-source.js';
export { tarStreamSource } from './source/tar-stream-source.js';
export { verifyDigest } from './source/verify-digest.js';
export { readListing } from './source/read-listing.js';
export { openImageSource, daemonHasImage, type OpenImageSourceOptions } from './source/open-image-source.js';
export { parseImageReference, TRANSPORT_NAMES, type ImageReference } from './source/transport.js';
export { checkImageSource, type SourceConformance } from './source/conformance.js';
export { dockerSave, archiveFile, type ArchiveStream } from './archive-stream.js';
// The scanner: the pattern/encoding search engine shared with core's redactor (one engine finds a
// value in an image and masks it in build output, so both agree on every encoding).
export { ContentScanner, ContentSearch } from './content-scanner.js';
export {
  AUDIT_MIN_VALUE_LENGTH,
  buildPatterns,
  valueBytes,
  type BuildPatternsOptions,
  type PatternSet,
  type PatternSource,
  type SecretPattern,
} from './scanner/patterns.js';
export type { EncodingName } from './scanner/encodings.js';
export { isSignificantLine, lineEntropyBits, MIN_LINE_BITS, MIN_LINE_BYTES } from './scanner/line-significance.js';
export { compileMatcher, type Matcher, type MatchCallback } from './scanner/matcher.js';
export { compileSetMatcher, type SetMatcher } from './scanner/skip-matcher.js';
export { StreamMasker, type MaskSpec } from './scanner/masker.js';
// Hex-dump lines decoded to the bytes they show: the audit searches them, core's redactor masks them.
export { decodeDumpLine, readDumpLine, type DumpLine } from './dump-line.js';
export { DumpRun, isCollapseMark } from './dump-run.js';
// docker://: images read from a registry over the Registry HTTP API v2.
export * from './sources/registry/index.js';
