import { ConfigError, type ConfigIssue } from '../errors/index.js';
import type { SensitiveValue } from './interpolate.js';

/** Shorter values would garble ordinary words in messages; they are not credentials anyway. */
const MIN_SCRUB_LENGTH = 4;

/**
 * Defence in depth: replace any interpolated (environment) value that still made it into an issue
 * message with `[redacted]`. Messages are built value-free; this catches a slip.
 */
export function scrubIssues(issues: readonly ConfigIssue[], sensitive: readonly SensitiveValue[]): ConfigIssue[] {
  const values = sensitive.map((s) => s.value).filter((v) => v.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
  if (values.length === 0) return [...issues];
  return issues.map((issue) => {
    let message = issue.message;
    for (const value of values) message = message.split(value).join('[redacted]');
    return message === issue.message ? issue : { path: issue.path, message };
  });
}

/** Re-throw a ConfigError with its issues scrubbed of `sensitive` values; other errors pass through. */
export function rethrowScrubbed(error: unknown, sensitive: readonly SensitiveValue[]): never {
  if (error instanceof ConfigError && sensitive.length > 0) {
    throw new ConfigError(scrubIssues(error.issues, sensitive), { file: error.file });
  }
  throw error;
}
