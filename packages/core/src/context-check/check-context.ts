import { buildPatterns, ContentScanner, type PatternSource } from '@buildsecrets/audit';
import type { CredentialFile } from './credential-files.js';
import { loadContextIgnore } from './dockerignore.js';
import { createFileScanPool, type ContextLeak } from './scan-files.js';
import { walkContext } from './walk-context.js';

/** Options for {@link checkBuildContext}. */
export interface CheckContextOptions {
  /** The build context directory. */
  readonly context: string;
  /** The Dockerfile (its `<name>.dockerignore` wins over the context's `.dockerignore`); `-` or undefined for none. */
  readonly dockerfile?: string;
  /** Resolved values to look for (raw and every encoding the audit knows). */
  readonly secrets: readonly PatternSource[];
  /** Cancels the check. */
  readonly signal?: AbortSignal;
}

/** What {@link checkBuildContext} found. Names paths and ids, never a value. */
export interface ContextCheckReport {
  /** The ignore file applied, if any. */
  readonly ignoreFile: string | undefined;
  /** Files read (those the engine sends). */
  readonly files: number;
  /** Bytes read. */
  readonly bytes: number;
  /** Files holding a resolved value: the build must not start. */
  readonly leaks: readonly ContextLeak[];
  /** Well-known credential files the engine would send. */
  readonly credentialFiles: readonly CredentialFile[];
  /** Ids too short to search for without false hits. */
  readonly tooShort: readonly string[];
}

/**
 * Scan a build context the way the engine will send it (the `.dockerignore` rules applied) for
 * resolved values — raw and in each encoding the image audit searches, built by the same
 * {@link buildPatterns} — and for well-known credential files (`.env*`, `.npmrc` with a token,
 * `.netrc`, SSH and PEM private keys, `credentials.json`, `.git-credentials`). Streaming (files are
 * read in 256 KiB chunks while the walk goes on), parallel (directory reads in the thread pool
 * while file contents are searched) and bounded (two read buffers, whatever the context's size).
 */
export async function checkBuildContext(options: CheckContextOptions): Promise<ContextCheckReport> {
  const rules = await loadContextIgnore(options.context, options.dockerfile);
  const { patterns, tooShort } = buildPatterns(options.secrets);
  const scanner = new ContentScanner(patterns);
  const pool = createFileScanPool(scanner, options.signal);
  let walkError: unknown;
  await walkContext(options.context, rules, (file) => pool.add(file)).catch((error: unknown) => (walkError = error));
  const result = await pool.done();
  if (walkError !== undefined) throw walkError;
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    ignoreFile: rules.file,
    files: result.files,
    bytes: result.bytes,
    leaks: result.leaks.sort(byPath),
    credentialFiles: result.credentialFiles.sort(byPath),
    tooShort,
  };
}
