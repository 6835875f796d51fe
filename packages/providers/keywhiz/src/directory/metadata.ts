import { InvalidSecretError, type SecretRequest } from '@buildsecrets/core';
import { readCapped } from './read-capped.js';
import { resolveInsideRoot } from './inside-root.js';

/** The fields of a keywhiz-fs metadata file this provider uses. */
export interface SecretMetadata {
  /** Epoch seconds after which the secret must not be used; 0 / absent = never. */
  readonly expiry: number | undefined;
  /** The content size Keywhiz reports, in bytes. */
  readonly secretLength: number | undefined;
  /**
   * When Keywhiz created the content served (`contentCreatedAt`, else `creationDate`), as written;
   * a new version of the secret gets a new one. Not secret: it is the version id of `cache: version`.
   */
  readonly createdAt: string | undefined;
}

/** A timestamp as keywhiz-fs writes it (ISO 8601 or epoch seconds); anything else is ignored, never echoed. */
const TIMESTAMP = /^[0-9][0-9A-Za-z:.+-]{0,63}$/;

function timestamp(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && TIMESTAMP.test(v) ? v : undefined;
}

/** keywhiz-fs metadata may embed the base64 content, so allow for that when capping the read. */
const METADATA_LIMIT = 1024 * 1024;

/**
 * Read keywhiz-fs' `<root>/.json/secret/<name>` when it exists. keywhiz-fs serves there the JSON
 * the Keywhiz server returned for the secret; only `expiry`, `secretLength` and the content timestamp are read. A
 * plain Docker or Kubernetes secret directory has no `.json` entry, and then there is nothing
 * to check. A metadata file that is not a JSON object fails closed, since expiry cannot be checked.
 */
export async function readMetadata(rootReal: string, request: SecretRequest, provider: string): Promise<SecretMetadata | undefined> {
  const path = await resolveInsideRoot(rootReal, `.json/secret/${request.ref}`, request, provider);
  if (path === undefined) return undefined;
  const bytes = await readCapped(path, METADATA_LIMIT, request, provider, 'keywhiz-fs metadata of');
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    data = undefined;
  } finally {
    bytes.fill(0);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    // The parse error is dropped on purpose: it would quote the file, which may embed the value.
    throw new InvalidSecretError(`keywhiz-fs metadata of secret "${request.id}" (.json/secret/${request.ref}) is not a JSON object`, {
      secretId: request.id,
      provider,
      hint: 'check the keywhiz-fs mount; remove the stray .json entry if this is not a keywhiz-fs directory',
    });
  }
  const record = data as Record<string, unknown>;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { expiry: num(record['expiry']), secretLength: num(record['secretLength']), createdAt: timestamp(record['contentCreatedAt']) ?? timestamp(record['creationDate']) };
}
