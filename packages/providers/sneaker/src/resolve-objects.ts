import { InvalidSecretError, SecretValue, createLimiter, extractKey, secretFailed, secretOk, type SecretRequest, type SecretResult } from '@buildsecrets/core';
import { abortedError, mapSneakerError, type SneakerErrorSubject } from './map-error.js';
import { PhaseError, openEnvelope } from './open-envelope.js';
import type { SneakerCalls } from './sneaker-calls.js';
import { objectContext, objectKey, type SneakerLocation } from './sneaker-path.js';

/** Objects fetched and opened at once. */
const CONCURRENCY = 8;
/** What S3 accepts as a version id (`null` included, for objects written before versioning). */
const VERSION_ID = /^[\w.+/=-]{1,1024}$/;

/** Everything one `resolve` against S3 needs. */
export interface ResolveObjectsDeps {
  readonly calls: SneakerCalls;
  readonly location: SneakerLocation;
  readonly masterContext: Readonly<Record<string, string>>;
  readonly provider: string;
  /** Aborts when the caller or the run cancels. */
  readonly cancel: AbortSignal;
  /** Aborts at the run's deadline. */
  readonly deadline: AbortSignal;
}

type Outcome = { readonly ok: true; readonly plaintext: Buffer; readonly versionId: string | undefined } | { readonly ok: false; readonly error: unknown };

/**
 * The non-secret version id for `cache: version`: the object key with its S3 `VersionId`, or its
 * ETag in a bucket without versioning (the ETag of a sealed object changes on every upload: each
 * seal has a fresh data key and nonce). Spaces and other unsafe characters of the key are
 * percent-encoded, so the id stays printable ASCII.
 */
function objectVersionId(key: string, object: { readonly versionId?: string | undefined; readonly etag?: string | undefined }): string | undefined {
  const where = encodeURI(key);
  if (object.versionId && object.versionId !== 'null') return `${where}@${object.versionId}`;
  const etag = object.etag?.replace(/"/g, '');
  return etag ? `${where}@etag:${etag}` : undefined;
}

/** A ref must name an object under the prefix: no `..` segment, not empty. */
const staysUnderPrefix = (ref: string): boolean => ref.replace(/\/+$/, '') !== '' && !ref.split('/').includes('..');

/** Where a request's object lives, for messages. */
export function describeObject(location: SneakerLocation, request: Pick<SecretRequest, 'ref' | 'version'>): string {
  return `s3://${location.bucket}/${objectKey(location.prefix, request.ref)}${request.version !== undefined ? ` version ${request.version}` : ''}`;
}

/** Turn the opened plaintext into the requested value (the whole of it, or one JSON field). */
export function valueFor(plaintext: Buffer, request: SecretRequest, provider: string): SecretValue {
  const whole = SecretValue.from(plaintext);
  if (request.key === undefined) return whole;
  try {
    return extractKey(whole, request.key, { secretId: request.id, provider });
  } finally {
    whole.wipe();
  }
}

/**
 * Fetch each distinct (path, version) once, open it with its own data key under the master context
 * plus its `Path`, and answer every request; plaintexts are zeroed once the values are copied out.
 */
export async function resolveObjects(requests: readonly SecretRequest[], deps: ResolveObjectsDeps): Promise<SecretResult[]> {
  const signal = AbortSignal.any([deps.cancel, deps.deadline]);
  const outcomes = new Map<string, Outcome>();
  const limit = createLimiter(CONCURRENCY);
  const fetchKey = (r: SecretRequest): string => `${r.ref}\u0000${r.version ?? ''}`;
  const fetchable = (r: SecretRequest): boolean => staysUnderPrefix(r.ref) && (r.version === undefined || VERSION_ID.test(r.version));
  const unique = new Map(requests.filter(fetchable).map((r) => [fetchKey(r), r]));
  await Promise.all(
    [...unique].map(([id, request]) =>
      limit(async () => {
        const key = objectKey(deps.location.prefix, request.ref);
        try {
          let object;
          try {
            object = await deps.calls.getObject(deps.location.bucket, key, request.version, signal);
          } catch (err) {
            throw new PhaseError('s3', err);
          }
          try {
            const plaintext = await openEnvelope(deps.calls, object.body, objectContext(deps.masterContext, deps.location, key), signal);
            outcomes.set(id, { ok: true, plaintext, versionId: objectVersionId(key, object) });
          } finally {
            object.body.fill(0);
          }
        } catch (error) {
          outcomes.set(id, { ok: false, error });
        }
      }),
    ),
  );
  try {
    return requests.map((request) => {
      const subject: SneakerErrorSubject = { secretId: request.id, provider: deps.provider, where: describeObject(deps.location, request) };
      if (!staysUnderPrefix(request.ref)) {
        return secretFailed(request.id, new InvalidSecretError(`secret "${request.id}" has a ref that does not name an object under the prefix (empty, or with a ".." segment)`, {
          secretId: request.id,
          provider: deps.provider,
          hint: 'use the path `sneaker ls` shows; to read outside the prefix, configure another provider with that `path`',
        }));
      }
      if (request.version !== undefined && !VERSION_ID.test(request.version)) {
        return secretFailed(request.id, new InvalidSecretError(`secret "${request.id}" has an invalid version pin (an S3 version id)`, {
          secretId: request.id,
          provider: deps.provider,
          hint: 'use a version id from `aws s3api list-object-versions`',
        }));
      }
      const outcome = outcomes.get(fetchKey(request)) ?? { ok: false, error: undefined };
      if (!outcome.ok) {
        if (deps.deadline.aborted) return secretFailed(request.id, abortedError(subject, true));
        if (deps.cancel.aborted) return secretFailed(request.id, abortedError(subject, false));
        const { phase, original } = outcome.error instanceof PhaseError ? outcome.error : { phase: 's3' as const, original: outcome.error };
        return secretFailed(request.id, mapSneakerError(original, subject, phase));
      }
      try {
        return secretOk(request.id, valueFor(outcome.plaintext, request, deps.provider), outcome.versionId);
      } catch (err) {
        return secretFailed(request.id, mapSneakerError(err, subject, 's3'));
      }
    });
  } finally {
    for (const outcome of outcomes.values()) if (outcome.ok) outcome.plaintext.fill(0);
  }
}
