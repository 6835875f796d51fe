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
export type { ImageSource } from './image-source.js';
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
