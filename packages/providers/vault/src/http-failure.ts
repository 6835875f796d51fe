import { VaultFailure } from './failure.js';

/** What went wrong on the wire, before it is interpreted for a login or a read. */
export interface WireProblem {
  /** HTTP status when Vault answered; undefined for transport failures. */
  readonly status?: number;
  /** Vault's `errors` array (used to classify, never quoted). */
  readonly vaultErrors: readonly string[];
  /** The response body, for KV v2 404s that carry version metadata. */
  readonly body?: unknown;
  /** Transport error code (ECONNREFUSED, ECONNRESET, ECONNABORTED, a TLS code). */
  readonly code?: string;
  /** Set when the body was not the JSON object Vault always sends. */
  readonly malformed?: boolean;
}

/** Thrown by the HTTP layer; carries a {@link WireProblem}. */
export class WireError extends Error {
  constructor(readonly problem: WireProblem) {
    super(problem.status !== undefined ? `HTTP ${problem.status}` : problem.code ?? 'transport failure');
    this.name = 'WireError';
  }
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const TLS_CODE = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

/** The address, without credentials or query, for messages. */
export function displayAddress(address: string): string {
  const url = new URL(address);
  return `${url.protocol}//${url.host}`;
}

/**
 * Map a transport or status problem that is the same whatever was asked: unreachable, timeouts,
 * TLS, throttling, sealed, 5xx. Returns undefined for statuses the caller must interpret
 * (400/403/404/405).
 */
export function commonFailure(problem: WireProblem, address: string, what: string): VaultFailure | undefined {
  const at = displayAddress(address);
  const cause = new WireError(problem);
  if (problem.malformed) return new VaultFailure('unavailable', `Vault at ${at} answered ${what} with a malformed or truncated body`, { cause, hint: 'a proxy or load balancer may be cutting responses; try again' });
  if (problem.status === undefined) {
    const code = problem.code ?? 'unknown';
    if (TIMEOUT_CODES.has(code)) return new VaultFailure('timeout', `Vault at ${at} did not answer ${what} in time`, { cause, hint: 'raise `timeoutMs` in the provider options or check the network path to Vault' });
    if (TLS_CODE.test(code)) return new VaultFailure('unavailable', `TLS with Vault at ${at} failed (${code}) while asking for ${what}`, { cause, retryable: false, hint: 'set `caCert` to the CA that signed the Vault certificate (or VAULT_CACERT)' });
    return new VaultFailure('unavailable', `cannot reach Vault at ${at} (${code}) while asking for ${what}`, { cause, hint: 'check `address` / VAULT_ADDR and that Vault is running' });
  }
  const status = problem.status;
  const joined = problem.vaultErrors.join(' ').toLowerCase();
  if (status === 503 && joined.includes('sealed')) return new VaultFailure('unavailable', `Vault at ${at} is sealed (HTTP 503)`, { cause, hint: 'unseal Vault, then run again' });
  if (status === 429 || status === 472 || status === 473) return new VaultFailure('unavailable', `Vault at ${at} is throttling or is a standby node (HTTP ${status}) for ${what}`, { cause, hint: 'try again later, or point `address` at the active node' });
  if (status === 412) return new VaultFailure('unavailable', `Vault at ${at} has not yet replicated the state needed for ${what} (HTTP 412)`, { cause });
  if (status >= 500) return new VaultFailure('unavailable', `Vault at ${at} failed (HTTP ${status}) for ${what}`, { cause });
  return undefined;
}

/** Whether a 403 means the token itself is bad (expired, revoked, missing) rather than lacking a policy. */
export function isInvalidToken(problem: WireProblem): boolean {
  return problem.status === 403 && problem.vaultErrors.some((e) => /invalid token|missing client token/i.test(e));
}
