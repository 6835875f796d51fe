import { InvalidSecretError, SecretValue, createLimiter, extractKey, secretFailed, secretOk, type SecretRequest, type SecretResult } from '@buildsecrets/core';
import { abortedError, mapSsmError, notFound, type SsmErrorSubject } from './map-error.js';
import { requestedName } from './parameter-name.js';
import type { SsmAnswer, SsmCalls, SsmParameter } from './ssm-calls.js';

/** The most names GetParameters accepts in one call. */
export const GET_PARAMETERS_LIMIT = 10;
/** GetParameters calls in flight at once. */
const CONCURRENCY = 4;

type Outcome = { readonly kind: 'found'; readonly value: string; readonly versionId: string | undefined } | { readonly kind: 'invalid' } | { readonly kind: 'error'; readonly error: unknown };

/** Everything one `resolve` call needs. */
export interface ResolveParametersDeps {
  readonly calls: SsmCalls;
  readonly provider: string;
  readonly cancel: AbortSignal;
  readonly deadline: AbortSignal;
}

/** Errors SSM raises for the whole call when one named parameter is off limits. */
const isPerParameterRefusal = (err: unknown): boolean => ['AccessDeniedException', 'InvalidKeyId'].includes((err as { name?: unknown } | null)?.name as string);

/**
 * The non-secret version id for `cache: version`: the parameter's name and its `Version` (version
 * numbers count per parameter, so the name is part of the id).
 */
function versionIdOf(entry: SsmParameter): string | undefined {
  return entry.Name !== undefined && Number.isInteger(entry.Version) ? `${entry.Name}@${entry.Version}` : undefined;
}

/** The answer entry for a requested name: by name (or ARN) plus the selector SSM echoes. */
function entryFor(answer: SsmAnswer, requested: string): SsmParameter | undefined {
  return answer.parameters.find((p) => `${p.Name}${p.Selector ?? ''}` === requested || `${p.ARN}${p.Selector ?? ''}` === requested);
}

/**
 * Resolve requests with GetParameters (decrypted) in groups of at most 10 distinct names, so N
 * secrets cost ⌈N/10⌉ calls. Names SSM lists as invalid fail alone while the rest of the group is
 * served; when SSM refuses a whole group for one parameter (no permission, an unusable KMS key),
 * the group is asked again name by name so only the refused secrets fail.
 */
export async function resolveParameters(requests: readonly SecretRequest[], deps: ResolveParametersDeps): Promise<SecretResult[]> {
  const signal = AbortSignal.any([deps.cancel, deps.deadline]);
  const names = requests.map((r) => requestedName(r.ref, r.version));
  const unique = [...new Set(names.filter((n): n is string => n !== undefined))];
  const outcomes = new Map<string, Outcome>();
  const limit = createLimiter(CONCURRENCY);

  const ask = async (group: readonly string[]): Promise<void> => {
    try {
      const answer = await deps.calls.getParameters(group, signal);
      for (const name of group) {
        const entry = entryFor(answer, name);
        if (entry?.Value !== undefined) outcomes.set(name, { kind: 'found', value: entry.Value, versionId: versionIdOf(entry) });
        else if (answer.invalid.includes(name)) outcomes.set(name, { kind: 'invalid' });
        else outcomes.set(name, { kind: 'error', error: Object.assign(new Error('missing from the answer'), { name: 'IncompleteAnswer' }) });
      }
    } catch (error) {
      if (group.length > 1 && isPerParameterRefusal(error) && !signal.aborted) {
        await Promise.all(group.map((name) => ask([name])));
        return;
      }
      for (const name of group) outcomes.set(name, { kind: 'error', error });
    }
  };
  const groups: string[][] = [];
  for (let start = 0; start < unique.length; start += GET_PARAMETERS_LIMIT) groups.push(unique.slice(start, start + GET_PARAMETERS_LIMIT));
  await Promise.all(groups.map((group) => limit(() => ask(group))));

  return requests.map((request, i) => {
    const name = names[i];
    const base = { secretId: request.id, provider: deps.provider };
    if (name === undefined) {
      return secretFailed(request.id, new InvalidSecretError(`secret "${request.id}" has an invalid parameter name or version`, {
        ...base,
        hint: 'use a parameter name (/app/db/password), and a version number (3) or label (prod) in `version` or as name:3 — not both',
      }));
    }
    const subject: SsmErrorSubject = { ...base, where: name };
    const outcome = outcomes.get(name) ?? { kind: 'error', error: undefined };
    if (outcome.kind === 'invalid') return secretFailed(request.id, notFound(subject));
    if (outcome.kind === 'error') {
      if (deps.deadline.aborted) return secretFailed(request.id, abortedError(subject, true));
      if (deps.cancel.aborted) return secretFailed(request.id, abortedError(subject, false));
      return secretFailed(request.id, mapSsmError(outcome.error, subject));
    }
    // String, StringList (comma-separated, as SSM stores it) and decrypted SecureString alike.
    const whole = SecretValue.from(outcome.value);
    if (request.key === undefined) return secretOk(request.id, whole, outcome.versionId);
    try {
      return secretOk(request.id, extractKey(whole, request.key, base), outcome.versionId);
    } catch (err) {
      return secretFailed(request.id, mapSsmError(err, subject));
    } finally {
      whole.wipe();
    }
  });
}
