import { abortable } from './abortable.js';
import { VaultFailure } from './failure.js';
import { commonFailure, isInvalidToken, WireError } from './http-failure.js';
import type { VaultHttp } from './vault-http.js';

/** The secrets engine serving a path. */
export interface MountInfo {
  /** Mount path without slashes at the ends, for example `secret` or `team/kv`. */
  readonly path: string;
  /** `kv1` and `kv2` get KV handling; anything else is read as-is. */
  readonly engine: 'kv1' | 'kv2' | 'other';
  /** Vault's engine type (`kv`, `database`, `pki`, …), for messages. */
  readonly type: string;
}

function classify(data: Record<string, unknown>): MountInfo | undefined {
  const path = data['path'];
  const type = data['type'];
  if (typeof path !== 'string' || typeof type !== 'string') return undefined;
  const version = (data['options'] as { version?: unknown } | null | undefined)?.version;
  const kv = type === 'kv' || type === 'generic';
  return { path: path.replace(/^\/+|\/+$/g, ''), type, engine: !kv ? 'other' : String(version) === '2' ? 'kv2' : 'kv1' };
}

const within = (ref: string, mount: string) => ref === mount || ref.startsWith(`${mount}/`);

/**
 * Finds the engine behind a path with `sys/internal/ui/mounts/<path>` (what the `vault kv` CLI
 * does) and remembers it per mount for the instance's lifetime. Concurrent lookups that start
 * with the same first segment share one request.
 */
export class MountResolver {
  readonly #known: MountInfo[] = [];
  readonly #inFlight = new Map<string, Promise<MountInfo>>();

  constructor(
    private readonly http: VaultHttp,
    private readonly address: string,
    private readonly runSignal: AbortSignal,
  ) {}

  /** The mount serving `ref` (a path without slashes at the ends). Rejects with a `VaultFailure`. */
  async resolve(ref: string, token: string, signal: AbortSignal): Promise<MountInfo> {
    const known = this.#find(ref);
    if (known) return known;
    const head = ref.split('/')[0] ?? ref;
    let pending = this.#inFlight.get(head);
    if (pending) {
      const shared = await abortable(pending, signal).catch(() => undefined);
      if (shared && within(ref, shared.path)) return shared;
      const now = this.#find(ref);
      if (now) return now;
    }
    pending = this.#lookup(ref, token);
    if (!this.#inFlight.has(head)) {
      this.#inFlight.set(head, pending);
      const clear = () => this.#inFlight.get(head) === pending && this.#inFlight.delete(head);
      pending.then(clear, clear);
    }
    return abortable(pending, signal);
  }

  /** Forget everything (dispose). */
  clear(): void {
    this.#known.length = 0;
    this.#inFlight.clear();
  }

  #find(ref: string): MountInfo | undefined {
    let best: MountInfo | undefined;
    for (const m of this.#known) if (within(ref, m.path) && (!best || m.path.length > best.path.length)) best = m;
    return best;
  }

  async #lookup(ref: string, token: string): Promise<MountInfo> {
    let body: Record<string, unknown>;
    try {
      body = await this.http.get(`sys/internal/ui/mounts/${ref}`, { token, signal: this.runSignal });
    } catch (error) {
      throw this.#failure(error, ref);
    }
    const info = classify((body['data'] ?? {}) as Record<string, unknown>);
    if (!info || !within(ref, info.path)) throw new VaultFailure('unavailable', `Vault answered the mount lookup for ${ref} with an unexpected shape`, { retryable: false });
    if (!this.#known.some((m) => m.path === info.path)) this.#known.push(info);
    return info;
  }

  #failure(error: unknown, ref: string): VaultFailure {
    if (!(error instanceof WireError)) return error instanceof VaultFailure ? error : new VaultFailure('unavailable', `mount lookup for ${ref} failed`, { cause: error, retryable: false });
    const common = commonFailure(error.problem, this.address, `the mount lookup of ${ref}`);
    if (common) return common;
    const status = error.problem.status;
    if (isInvalidToken(error.problem)) return new VaultFailure('auth', `Vault no longer accepts the client token (HTTP 403) while looking up the mount of ${ref}`, { cause: error, hint: 'the token may have expired or been revoked; log in again' });
    if (status === 403) {
      return new VaultFailure('denied', `no secrets engine is mounted for ${ref}, or the token's policies grant nothing under it (Vault answers both with 403)`, {
        cause: error,
        hint: 'check the path (`vault secrets list`) and grant read on it (see the policy snippet in the provider README)',
      });
    }
    if (status === 404) return new VaultFailure('not-found', `no secrets engine is mounted for ${ref}`, { cause: error, hint: 'check the path against `vault secrets list`' });
    return new VaultFailure('invalid', `Vault refused the mount lookup of ${ref} (HTTP ${status})`, { cause: error });
  }
}
