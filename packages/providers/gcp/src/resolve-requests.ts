import {
  AbortedError,
  AuthenticationError,
  InvalidSecretError,
  SecretValue,
  TimeoutError,
  extractKey,
  secretFailed,
  secretOk,
  type BuildSecretsError,
  type SecretRequest,
  type SecretResult,
  createLimiter,
} from '@buildsecrets/core';
import { crc32c } from './crc32c.js';
import type { GcpCalls, GcpPayload } from './gcp-client.js';
import { ADC_HINT, mapGcpError, type GcpErrorSubject } from './map-error.js';
import { parseRef, versionName } from './parse-ref.js';

/** AccessSecretVersion calls in flight at once within one `resolve`. */
const CONCURRENCY = 8;

/** Everything one `resolve` call needs. */
export interface GcpResolveDeps {
  readonly calls: GcpCalls;
  readonly provider: string;
  readonly defaultLocation: string | undefined;
  /** The project for short names: from options, else ADC (asked once per run). */
  readonly project: () => Promise<string>;
  readonly cancel: AbortSignal;
  readonly deadline: number;
}

type Outcome = { readonly ok: true; readonly payload: GcpPayload } | { readonly ok: false; readonly error: unknown };

function verified(payload: GcpPayload, s: GcpErrorSubject): SecretValue {
  if (payload.crc32c !== undefined && BigInt(payload.crc32c) !== BigInt(crc32c(payload.data))) {
    // Retryable: a mismatch means the bytes were damaged on the way; a fresh read usually fixes it.
    throw new InvalidSecretError(`the payload of secret "${s.secretId}" failed its CRC32C check (${s.where})`, {
      secretId: s.secretId,
      provider: s.provider,
      retryable: true,
      hint: 'the data was corrupted in transit or storage; retry, and if it persists add a new version of the secret',
    });
  }
  return SecretValue.from(payload.data);
}

function cutShort(s: GcpErrorSubject, byDeadline: boolean): BuildSecretsError {
  return byDeadline
    ? new TimeoutError(`fetching secret "${s.secretId}" from Google Secret Manager ran past the deadline`, { secretId: s.secretId, provider: s.provider })
    : new AbortedError(`fetching secret "${s.secretId}" was cancelled`, { secretId: s.secretId, provider: s.provider });
}

/** Race `work` against the cancel signal, so an abort settles at once (the call itself ends at its gRPC deadline). */
function unlessCancelled<T>(work: Promise<T>, cancel: AbortSignal): Promise<T> {
  if (cancel.aborted) return Promise.reject(new Error('cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('cancelled'));
    cancel.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => cancel.removeEventListener('abort', onAbort));
  });
}

/** Resolve each distinct SecretVersion once, verify its checksum, then pick keys per request. */
export async function resolveRequests(requests: readonly SecretRequest[], deps: GcpResolveDeps): Promise<SecretResult[]> {
  const addresses = requests.map((r) => parseRef(r.ref, r.version));
  let projectError: unknown;
  let project: string | undefined;
  if (addresses.some((a) => 'secret' in a && a.project === undefined)) {
    try {
      project = await unlessCancelled(deps.project(), deps.cancel);
    } catch (err) {
      projectError = err;
    }
  }
  const names = addresses.map((a) => ('invalid' in a || (a.project === undefined && project === undefined) ? undefined : versionName(a, project ?? '', deps.defaultLocation)));
  const outcomes = new Map<string, Outcome>();
  const limit = createLimiter(CONCURRENCY);
  await Promise.all(
    [...new Set(names.filter((n): n is string => n !== undefined))].map((name) =>
      limit(async () => {
        try {
          const timeoutMs = Math.max(1, deps.deadline - Date.now());
          outcomes.set(name, { ok: true, payload: await unlessCancelled(deps.calls.access(name, timeoutMs), deps.cancel) });
        } catch (err) {
          outcomes.set(name, { ok: false, error: err });
        }
      }),
    ),
  );

  return requests.map((request, i): SecretResult => {
    const address = addresses[i]!;
    const name = names[i];
    const subject: GcpErrorSubject = { secretId: request.id, provider: deps.provider, where: name ?? request.ref };
    if ('invalid' in address) {
      return secretFailed(request.id, new InvalidSecretError(`secret "${request.id}": ${address.invalid}`, { secretId: request.id, provider: deps.provider }));
    }
    if (name === undefined) {
      if (deps.cancel.aborted) return secretFailed(request.id, cutShort(subject, false));
      return secretFailed(request.id, new AuthenticationError(`no Google Cloud project is known for secret "${request.id}" (short name ${request.ref})`, {
        secretId: request.id,
        provider: deps.provider,
        cause: projectError,
        hint: `set the \`projectId\` option, export GOOGLE_CLOUD_PROJECT, or use a full name projects/<project>/secrets/<name>; ${ADC_HINT}`,
      }));
    }
    const outcome = outcomes.get(name) ?? { ok: false, error: undefined };
    if (!outcome.ok) {
      if (deps.cancel.aborted) return secretFailed(request.id, cutShort(subject, false));
      if (Date.now() >= deps.deadline) return secretFailed(request.id, cutShort(subject, true));
      return secretFailed(request.id, mapGcpError(outcome.error, subject));
    }
    try {
      const value = verified(outcome.payload, subject);
      // The served version's full name: `latest` resolves to a numbered version, so a rotation changes it.
      const versionId = outcome.payload.name || undefined;
      if (request.key === undefined) return secretOk(request.id, value, versionId);
      try {
        return secretOk(request.id, extractKey(value, request.key, { secretId: request.id, provider: deps.provider }), versionId);
      } finally {
        value.wipe();
      }
    } catch (err) {
      return secretFailed(request.id, mapGcpError(err, subject));
    }
  });
}
