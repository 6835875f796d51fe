import { ProviderUnavailableError, type ProviderContext } from '@buildsecrets/core';
import { abortable, isTransient } from './abortable.js';
import { login, type LoginEnvironment } from './login.js';
import type { VaultAuthOptions } from './options.js';
import type { VaultHttp } from './vault-http.js';
import { VaultFailure } from './failure.js';
import { WireError, isInvalidToken } from './http-failure.js';

/** Whether a read failed because Vault refused the token itself (expired, revoked), not a policy. */
export function rejectsToken(error: unknown): boolean {
  const cause = error instanceof VaultFailure ? error.options.cause : undefined;
  return error instanceof VaultFailure && error.kind === 'auth' && cause instanceof WireError && isInvalidToken(cause.problem);
}

/** Login attempts for one shared login (first try included). */
const LOGIN_ATTEMPTS = 3;

/**
 * The provider instance's Vault token: one login per instance, shared by every concurrent
 * resolve through one memoized promise (no thundering herd of logins).
 *
 * Retries: reads are never retried here (the resolver retries retryable results), but the login
 * is, through `context.retry`, because one failed login fails every secret of the instance at
 * once. A login that failed for a transient reason is forgotten so the resolver's next attempt
 * logs in afresh; a rejected credential is remembered, so fifty secrets do not become fifty bad
 * logins (which can lock an account).
 */
export class VaultSession {
  #pending: Promise<string> | undefined;
  /** The token the last successful login returned. */
  #current: string | undefined;

  constructor(
    private readonly http: VaultHttp,
    private readonly auth: VaultAuthOptions,
    private readonly env: LoginEnvironment,
    private readonly context: Pick<ProviderContext, 'retry' | 'registerSensitive'>,
  ) {}

  /** The client token, logging in on first use. Rejects with a `VaultFailure`. */
  token(signal: AbortSignal): Promise<string> {
    if (!this.#pending) {
      const pending = this.#login().then(
        (token) => {
          this.context.registerSensitive('vault client token', token);
          if (this.#pending === pending) this.#current = token;
          return token;
        },
        (error: unknown) => {
          if (isTransient(error) && this.#pending === pending) this.#pending = undefined;
          throw error;
        },
      );
      // Callers that abort stop listening; keep the shared promise from counting as unhandled.
      pending.catch(() => undefined);
      this.#pending = pending;
    }
    return abortable(this.#pending, signal);
  }

  /** Forget the token (dispose). */
  reset(): void {
    this.#pending = undefined;
    this.#current = undefined;
  }

  /**
   * Vault refused `token` as invalid (its TTL ran out, or it was revoked): forget it so the next
   * {@link token} logs in again. A token that was already replaced is left alone, so concurrent
   * reads that all saw the old token cause one login, not one each.
   */
  expire(token: string): void {
    if (this.#current !== token) return;
    this.#pending = undefined;
    this.#current = undefined;
  }

  async #login(): Promise<string> {
    let last: unknown;
    try {
      return await this.context.retry(async () => {
        try {
          return await login(this.http, this.auth, this.env);
        } catch (error) {
          last = error;
          // context.retry only retries buildsecrets errors marked retryable; the real failure is kept in `last`.
          throw isTransient(error) ? new ProviderUnavailableError('vault login failed transiently', { retryable: true }) : error;
        }
      }, { attempts: LOGIN_ATTEMPTS, signal: this.env.signal });
    } catch (error) {
      throw last ?? error;
    }
  }
}
