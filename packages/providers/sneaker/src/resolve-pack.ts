import { readFile } from 'node:fs/promises';
import { InvalidSecretError, SecretNotFoundError, secretFailed, secretOk, type SecretRequest, type SecretResult } from '@buildsecrets/core';
import { EnvelopeError } from './envelope.js';
import { abortedError, mapSneakerError } from './map-error.js';
import { PhaseError, openEnvelope } from './open-envelope.js';
import { MAX_OBJECT_BYTES, type SneakerCalls } from './sneaker-calls.js';
import { valueFor } from './resolve-objects.js';
import { normaliseTarName, readTar } from './ustar-reader.js';

/** Everything one `resolve` against a pack file needs. */
export interface ResolvePackDeps {
  readonly calls: SneakerCalls;
  /** Absolute path of the pack file. */
  readonly file: string;
  /** The pack's encryption context (`sneaker pack --context`). */
  readonly context: Readonly<Record<string, string>>;
  readonly provider: string;
  readonly cancel: AbortSignal;
  readonly deadline: AbortSignal;
}

/**
 * Open a `sneaker pack` file once per call (one KMS Decrypt), take each requested file out of the
 * TAR inside, and zero the TAR afterwards: nothing of the pack outlives the call.
 */
export async function resolvePack(requests: readonly SecretRequest[], deps: ResolvePackDeps): Promise<SecretResult[]> {
  const signal = AbortSignal.any([deps.cancel, deps.deadline]);
  const where = (r: SecretRequest): string => `pack ${deps.file} entry ${r.ref}`;
  const fail = (error: unknown, phase: 's3' | 'kms' | 'file'): SecretResult[] =>
    requests.map((r) => {
      const subject = { secretId: r.id, provider: deps.provider, where: where(r) };
      if (deps.deadline.aborted) return secretFailed(r.id, abortedError(subject, true));
      if (deps.cancel.aborted) return secretFailed(r.id, abortedError(subject, false));
      return secretFailed(r.id, mapSneakerError(error, subject, phase));
    });
  let sealed: Buffer;
  try {
    sealed = await readFile(deps.file, { signal });
  } catch (err) {
    return fail(err, 'file');
  }
  if (sealed.length > MAX_OBJECT_BYTES) return fail(new EnvelopeError('malformed'), 'file');
  let tar: Buffer;
  try {
    tar = await openEnvelope(deps.calls, sealed, deps.context, signal);
  } catch (err) {
    return err instanceof PhaseError ? fail(err.original, err.phase) : fail(err, 'file');
  } finally {
    sealed.fill(0);
  }
  try {
    const files = readTar(tar);
    if (!files) return fail(new EnvelopeError('malformed'), 'file');
    return requests.map((r) => {
      const base = { secretId: r.id, provider: deps.provider };
      if (r.version !== undefined) {
        return secretFailed(r.id, new InvalidSecretError(`secret "${r.id}" pins a version, but a pack file has one version of each file`, { ...base, hint: 'remove `version`' }));
      }
      const entry = files.find((f) => f.name === normaliseTarName(r.ref));
      if (!entry) {
        return secretFailed(r.id, new SecretNotFoundError(`secret "${r.id}" is not in the pack (${where(r)})`, { ...base, hint: 'list the pack with `sneaker unpack <file> - | tar t`' }));
      }
      try {
        return secretOk(r.id, valueFor(Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.length), r, deps.provider));
      } catch (err) {
        return secretFailed(r.id, mapSneakerError(err, { ...base, where: where(r) }, 'file'));
      }
    });
  } finally {
    tar.fill(0);
  }
}
