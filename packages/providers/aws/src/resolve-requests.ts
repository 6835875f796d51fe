import { createLimiter, InvalidSecretError, secretFailed, secretOk, type Logger, type SecretRequest, type SecretResult } from '@buildsecrets/core';
import type { SecretValueEntry } from '@aws-sdk/client-secrets-manager';
import type { AwsCalls } from './aws-calls.js';
import type { BatchGate } from './batch-gate.js';
import { abortedError, mapAwsError, type AwsErrorSubject } from './map-error.js';
import { payloadToValue, type AwsSecretPayload } from './payload.js';
import { describeVersion, parseVersion, type AwsVersionSelector } from './parse-version.js';

/** The most ids BatchGetSecretValue accepts in SecretIdList. */
export const BATCH_LIMIT = 20;
/** GetSecretValue calls in flight at once (for pinned versions and the denied-batch fallback). */
const SINGLE_CONCURRENCY = 8;

type Outcome = { readonly ok: true; readonly payload: AwsSecretPayload } | { readonly ok: false; readonly error: unknown };

/** Everything one `resolve` call needs. */
export interface ResolveDeps {
  readonly calls: AwsCalls;
  readonly gate: BatchGate;
  readonly provider: string;
  readonly logger: Logger;
  /** Aborts when the caller or the run cancels. */
  readonly cancel: AbortSignal;
  /** Aborts at the run's deadline. */
  readonly deadline: AbortSignal;
}

const fetchKey = (ref: string, s: AwsVersionSelector): string =>
  `${ref}\u0000${s.kind === 'id' ? `id:${s.VersionId}` : s.kind === 'stage' ? `stage:${s.VersionStage}` : ''}`;

function entryMatches(entry: SecretValueEntry, ref: string): boolean {
  if (entry.Name === ref || entry.ARN === ref) return true;
  // A partial ARN (without the 6-character suffix AWS appends) names the secret too.
  return ref.startsWith('arn:') && entry.ARN !== undefined && entry.ARN.length === ref.length + 7 && entry.ARN.startsWith(`${ref}-`);
}

const isDenial = (err: unknown): boolean => (err as { name?: unknown } | null)?.name === 'AccessDeniedException';

/**
 * Resolve requests with as few calls as possible: unpinned secrets through BatchGetSecretValue
 * (groups of 20) when there are two or more of them, pinned versions and anything the batch did
 * not account for through GetSecretValue. Identical (ref, version) pairs are fetched once.
 */
export async function resolveRequests(requests: readonly SecretRequest[], deps: ResolveDeps): Promise<SecretResult[]> {
  const signal = AbortSignal.any([deps.cancel, deps.deadline]);
  const selectors = requests.map((r) => parseVersion(r.version));
  const outcomes = new Map<string, Outcome>();
  const singles = new Map<string, { ref: string; selector: AwsVersionSelector }>();
  const batchable = new Set<string>();
  requests.forEach((r, i) => {
    const s = selectors[i];
    if (s === undefined) return;
    if (s.kind === 'current') batchable.add(r.ref);
    else singles.set(fetchKey(r.ref, s), { ref: r.ref, selector: s });
  });

  if (batchable.size >= 2) {
    const refs = [...batchable];
    for (let start = 0; start < refs.length; start += BATCH_LIMIT) {
      const chunk = refs.slice(start, start + BATCH_LIMIT);
      try {
        const answer = await deps.gate.call(() => deps.calls.batchGet(chunk, signal), isDenial);
        if (answer.denied) {
          deps.logger.debug('BatchGetSecretValue is not allowed for these credentials; using GetSecretValue for the rest of this run');
          for (const ref of chunk) singles.set(fetchKey(ref, { kind: 'current' }), { ref, selector: { kind: 'current' } });
          continue;
        }
        for (const ref of chunk) {
          const entry = answer.value.values.find((e) => entryMatches(e, ref));
          const failure = answer.value.errors.find((e) => e.SecretId === ref);
          const key = fetchKey(ref, { kind: 'current' });
          if (entry) outcomes.set(key, { ok: true, payload: entry });
          else if (failure) outcomes.set(key, { ok: false, error: { name: failure.ErrorCode ?? 'UnknownError' } });
          else singles.set(key, { ref, selector: { kind: 'current' } });
        }
      } catch (err) {
        for (const ref of chunk) outcomes.set(fetchKey(ref, { kind: 'current' }), { ok: false, error: err });
      }
    }
  } else {
    for (const ref of batchable) singles.set(fetchKey(ref, { kind: 'current' }), { ref, selector: { kind: 'current' } });
  }

  const limit = createLimiter(SINGLE_CONCURRENCY);
  await Promise.all(
    [...singles].map(([key, { ref, selector }]) =>
      limit(async () => {
        try {
          outcomes.set(key, { ok: true, payload: await deps.calls.getSecretValue(ref, selector, signal) });
        } catch (err) {
          outcomes.set(key, { ok: false, error: err });
        }
      }),
    ),
  );

  return requests.map((request, i) => {
    const selector = selectors[i];
    if (selector === undefined) {
      return secretFailed(request.id, new InvalidSecretError(`secret "${request.id}" has an invalid version pin`, {
        secretId: request.id,
        provider: deps.provider,
        hint: 'use a VersionId (`aws secretsmanager list-secret-version-ids`) or `stage:<label>` such as stage:AWSPREVIOUS',
      }));
    }
    const subject: AwsErrorSubject = { secretId: request.id, provider: deps.provider, where: `${request.ref}${describeVersion(selector)}` };
    const outcome = outcomes.get(fetchKey(request.ref, selector)) ?? { ok: false, error: undefined };
    if (!outcome.ok) {
      // A call our own signals cut short says so, rather than whatever the SDK made of the abort.
      if (deps.deadline.aborted) return secretFailed(request.id, abortedError(subject, true));
      if (deps.cancel.aborted) return secretFailed(request.id, abortedError(subject, false));
      return secretFailed(request.id, mapAwsError(outcome.error, subject));
    }
    try {
      return secretOk(request.id, payloadToValue(outcome.payload, request, deps.provider), outcome.payload.VersionId);
    } catch (err) {
      return secretFailed(request.id, mapAwsError(err, subject));
    }
  });
}
