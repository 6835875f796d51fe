import { randomBytes } from 'node:crypto';
import type { VaultReply } from './kv-stores.js';
import type { VaultTokenPolicy } from './types.js';

/** An AppRole login the server accepts. */
export interface VaultAppRoleLogin extends VaultTokenPolicy {
  /** The role ID the client must send as `role_id`. */
  readonly roleId: string;
  /** The secret ID the client must send as `secret_id`. */
  readonly secretId: string;
  /** Auth mount path (default `approle`). */
  readonly mount?: string;
}

/** A Kubernetes service-account login the server accepts. */
export interface VaultKubernetesLogin extends VaultTokenPolicy {
  /** The Vault role the client must name. */
  readonly role: string;
  /** The service-account JWT the client must present. */
  readonly jwt: string;
  /** Auth mount path (default `kubernetes`). */
  readonly mount?: string;
}

/** A JWT/OIDC login the server accepts (CI identity tokens). */
export interface VaultJwtLogin extends VaultTokenPolicy {
  /** The role; when omitted the mount's default role accepts a login without `role`. */
  readonly role?: string;
  /** The token the client must present. */
  readonly jwt: string;
  /** Auth mount path (default `jwt`). */
  readonly mount?: string;
}

/** A username/password login the server accepts. */
export interface VaultUserpassLogin extends VaultTokenPolicy {
  /** The user name (part of the login path). */
  readonly username: string;
  /** The password the client must send. */
  readonly password: string;
  /** Auth mount path (default `userpass`). */
  readonly mount?: string;
}

type Method = 'approle' | 'kubernetes' | 'jwt' | 'userpass';
type Check = (body: Record<string, unknown>, tail: string) => { readonly ok: true } | { readonly ok: false; readonly reply: VaultReply };
interface Backend {
  readonly method: Method;
  readonly checks: Array<{ readonly check: Check; readonly policy: VaultTokenPolicy }>;
}

const fail = (status: number, message: string) => ({ ok: false as const, reply: { status, body: { errors: [message] } } });

interface TokenEntry {
  readonly policy: VaultTokenPolicy;
  /** Epoch ms (server clock) after which the token is refused; undefined: never. */
  readonly expiresAt: number | undefined;
  readonly namespace: string;
}

const trimNamespace = (ns: string | undefined): string => (ns ?? '').replace(/^\/+|\/+$/g, '');

/** Tokens the server knows: the paths each may read, its lifetime and its namespace. */
export class TokenRegistry {
  readonly #tokens = new Map<string, TokenEntry>();

  /** `now` is the server's clock (tests advance it instead of sleeping). */
  constructor(private readonly now: () => number = Date.now) {}

  /** Make a new token with `policy` (default: may read everything, forever, in the root namespace). */
  issue(policy: VaultTokenPolicy = {}, namespace?: string): string {
    const token = `hvs.${randomBytes(18).toString('base64url')}`;
    this.add(token, policy, namespace);
    return token;
  }

  /** Register a given token string (the root token). */
  add(token: string, policy: VaultTokenPolicy = {}, namespace?: string): void {
    const expiresAt = policy.ttlMs === undefined ? undefined : this.now() + policy.ttlMs;
    this.#tokens.set(token, { policy, expiresAt, namespace: trimNamespace(namespace ?? policy.namespace) });
  }

  /** Forget a token; later requests with it get 403. */
  revoke(token: string): void {
    this.#tokens.delete(token);
  }

  /** The live entry of `token` usable in `namespace`, or undefined (missing, expired, other namespace). */
  #live(token: string | undefined, namespace: string): TokenEntry | undefined {
    const entry = token ? this.#tokens.get(token) : undefined;
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && this.now() >= entry.expiresAt) return undefined;
    const ns = trimNamespace(namespace);
    // A namespace's token works there and below it; Vault treats it as unknown anywhere else.
    if (entry.namespace !== '' && ns !== entry.namespace && !ns.startsWith(`${entry.namespace}/`)) return undefined;
    return entry;
  }

  /** Whether `token` is live in `namespace` (default root) and may touch `path`. */
  check(token: string | undefined, path: string, namespace = ''): 'ok' | 'invalid' | 'denied' {
    const entry = this.#live(token, namespace);
    if (!entry) return 'invalid';
    if (!entry.policy.allow) return 'ok';
    return entry.policy.allow.some((prefix) => path.startsWith(prefix)) ? 'ok' : 'denied';
  }

  /** Whether `token` may touch anything under `mountPath` (what Vault's mount preflight checks). */
  canSee(token: string | undefined, mountPath: string, namespace = ''): boolean {
    const entry = this.#live(token, namespace);
    if (!entry) return false;
    return !entry.policy.allow || entry.policy.allow.some((prefix) => prefix.startsWith(mountPath) || mountPath.startsWith(prefix));
  }

  /** Seconds the token has left (for lookup-self and login replies); 0 for a token without TTL, as Vault reports root tokens. */
  ttlSeconds(token: string | undefined): number {
    const entry = token ? this.#tokens.get(token) : undefined;
    return entry?.expiresAt === undefined ? 0 : Math.max(0, Math.ceil((entry.expiresAt - this.now()) / 1000));
  }
}

/** The auth methods mounted on the server and their accepted credentials. */
export class AuthBackends {
  readonly #mounts = new Map<string, Backend>();

  constructor(private readonly tokens: TokenRegistry) {}

  /** Accept an AppRole login. */
  approle(login: VaultAppRoleLogin): void {
    this.#add('approle', login.mount ?? 'approle', login, (body) =>
      body['role_id'] === login.roleId && body['secret_id'] === login.secretId ? { ok: true } : fail(400, 'invalid role or secret ID'));
  }

  /** Accept a Kubernetes login. */
  kubernetes(login: VaultKubernetesLogin): void {
    this.#add('kubernetes', login.mount ?? 'kubernetes', login, (body) => {
      if (body['role'] !== login.role) return fail(400, `invalid role name "${String(body['role'])}"`);
      return body['jwt'] === login.jwt ? { ok: true } : fail(403, 'permission denied');
    });
  }

  /** Accept a JWT/OIDC login. */
  jwt(login: VaultJwtLogin): void {
    this.#add('jwt', login.mount ?? 'jwt', login, (body) => {
      if ((body['role'] ?? undefined) !== login.role) return fail(400, `role "${String(body['role'] ?? '')}" could not be found`);
      return body['jwt'] === login.jwt ? { ok: true } : fail(400, 'error validating token: invalid signature');
    });
  }

  /** Accept a userpass login. */
  userpass(login: VaultUserpassLogin): void {
    this.#add('userpass', login.mount ?? 'userpass', login, (body, tail) =>
      tail === `login/${login.username}` && body['password'] === login.password ? { ok: true } : fail(400, 'invalid username or password'));
  }

  /** Handle `POST auth/<mount>/login[/<user>]`; undefined when no auth method is mounted there. */
  login(path: string, body: Record<string, unknown>, namespace = ''): VaultReply | undefined {
    const match = /^auth\/(.+?)\/(login(?:\/[^/]+)?)$/.exec(path);
    const backend = match ? this.#mounts.get(match[1]!) : undefined;
    if (!match || !backend) return undefined;
    let lastFailure: VaultReply = { status: 400, body: { errors: ['missing credentials'] } };
    for (const { check, policy } of backend.checks) {
      const outcome = check(body, match[2]!);
      if (outcome.ok) {
        const token = this.tokens.issue(policy, namespace);
        const leaseDuration = policy.ttlMs === undefined ? 3600 : this.tokens.ttlSeconds(token);
        return { status: 200, body: { request_id: crypto.randomUUID(), auth: { client_token: token, accessor: randomBytes(12).toString('hex'), policies: ['default'], token_policies: ['default'], lease_duration: leaseDuration, renewable: true, metadata: { method: backend.method } }, data: null, lease_duration: 0, warnings: null } };
      }
      lastFailure = outcome.reply;
    }
    return lastFailure;
  }

  #add(method: Method, mount: string, policy: VaultTokenPolicy, check: Check): void {
    const key = mount.replace(/^\/+|\/+$/g, '');
    const backend = this.#mounts.get(key) ?? { method, checks: [] };
    if (backend.method !== method) throw new Error(`auth mount ${key} already holds the ${backend.method} method`);
    backend.checks.push({ check, policy: { ...(policy.allow ? { allow: policy.allow } : {}), ...(policy.ttlMs !== undefined ? { ttlMs: policy.ttlMs } : {}) } });
    this.#mounts.set(key, backend);
  }
}
