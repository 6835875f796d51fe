/** A JSON object as Vault stores and returns it. */
export type VaultData = Record<string, unknown>;

/** Where something lives: the Vault Enterprise namespace (`''` for the root namespace). */
export interface VaultNamespaceOption {
  /** The namespace, as sent in `X-Vault-Namespace` (default: the root namespace). */
  readonly namespace?: string;
}

/** Access a token grants. */
export interface VaultTokenPolicy {
  /**
   * Path prefixes (without `/v1/`) the token may read, for example `secret/data/ci/`.
   * Default: everything (a root-like token).
   */
  readonly allow?: readonly string[];
  /**
   * Lifetime in milliseconds (default: none, the token never expires). After it the token is
   * refused as Vault refuses an expired one (403 `invalid token`); logins report it as
   * `lease_duration` in seconds. Advance the server's clock with `advanceTime`.
   */
  readonly ttlMs?: number;
  /**
   * The namespace the token belongs to (default: the root namespace). As in Vault Enterprise it is
   * valid there and in child namespaces only. Tokens from a login get the login's namespace.
   */
  readonly namespace?: string;
}

/** Options for {@link startVaultTestServer}. */
export interface VaultTestServerOptions {
  /** The root token (default: a random `hvs.`-prefixed string). */
  readonly rootToken?: string;
  /**
   * KV mounts created at start, path → KV version. Default `{ secret: 2, kv: 1 }`, the layout of
   * a dev-mode Vault plus a v1 mount. Pass `{}` for none.
   */
  readonly kvMounts?: Readonly<Record<string, 1 | 2>>;
  /**
   * Serve HTTPS with this PEM key and certificate (the URL becomes `https://127.0.0.1:<port>`).
   * With `ca`, clients must present a certificate signed by it (mutual TLS).
   */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer; readonly ca?: string | Buffer };
}

/** A fault to inject into matching requests. */
export type VaultFault =
  /** Wait this long before answering (combines with the other faults). */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Answer 503 `Vault is sealed`. */
  | { readonly kind: 'sealed' }
  /** Answer with this status and a Vault error body (429 throttled, 500, 473 perf standby, …). */
  | { readonly kind: 'status'; readonly status: number; readonly message?: string }
  /** Destroy the socket without answering. */
  | { readonly kind: 'drop' }
  /** Answer 200 but cut the JSON body in half. */
  | { readonly kind: 'truncate' };

/** Which requests a fault applies to, and how often. */
export interface VaultFaultScope {
  /** A path prefix without `/v1/` (for example `secret/data/ci`) or a pattern; default every path. */
  readonly path?: string | RegExp;
  /** Apply to the next N matching requests only (default: until removed). */
  readonly times?: number;
}

/** One handled request, as recorded in {@link VaultTestServer.requests}. Never holds a token or body. */
export interface VaultRequestRecord {
  /** HTTP method. */
  readonly method: string;
  /** Path without the `/v1/` prefix and without the query, for example `secret/data/ci/npm`. */
  readonly path: string;
  /** The query string without `?` (`''` when none). */
  readonly query: string;
  /** The `X-Vault-Namespace` header (`''` when none). */
  readonly namespace: string;
  /** Whether an `X-Vault-Token` header was present. */
  readonly hadToken: boolean;
  /** The status answered (0 when the connection was dropped). */
  status: number;
}
