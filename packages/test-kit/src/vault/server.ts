import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthBackends, TokenRegistry, type VaultAppRoleLogin, type VaultJwtLogin, type VaultKubernetesLogin, type VaultUserpassLogin } from './auth-backends.js';
import { FaultTable, type VaultFaultHandle } from './faults.js';
import { VaultDynamicStore, VaultKv1Store, VaultKv2Store, type VaultReply } from './kv-stores.js';
import { MountTable } from './mount-table.js';
import { route } from './router.js';
import type { VaultFaultScope, VaultNamespaceOption, VaultTokenPolicy, VaultFault, VaultRequestRecord, VaultTestServerOptions } from './types.js';

/**
 * A Vault HTTP API on 127.0.0.1 (random port) for offline tests: KV v1/v2, a dynamic-secrets
 * mount, token checks, four login methods, namespaces, Vault's error shape and fault injection.
 */
export interface VaultTestServer {
  /** Base address, for example `http://127.0.0.1:43121` (`https://` with `tls`); use as `VAULT_ADDR`. */
  readonly url: string;
  /** A token that may do everything. */
  readonly rootToken: string;
  /** Every request handled so far, in arrival order (no tokens, no bodies). */
  readonly requests: readonly VaultRequestRecord[];
  /** Count recorded requests, optionally by method and path prefix or pattern. */
  count(filter?: { readonly method?: string; readonly path?: string | RegExp }): number;
  /** Forget the recorded requests. */
  clearRequests(): void;
  /** The KV v1 mount at `mount` (created on first use). */
  kv1(mount: string, options?: VaultNamespaceOption): VaultKv1Store;
  /** The KV v2 mount at `mount` (created on first use). */
  kv2(mount: string, options?: VaultNamespaceOption): VaultKv2Store;
  /** The dynamic-secrets mount at `mount` (default `database`, created on first use). */
  database(mount?: string, options?: VaultNamespaceOption): VaultDynamicStore;
  /** Make a token limited to `policy.allow` path prefixes. */
  issueToken(policy?: VaultTokenPolicy): string;
  /** Invalidate a token. */
  revokeToken(token: string): void;
  /** Move the server's clock forward (token TTLs run on it), instead of sleeping in a test. */
  advanceTime(ms: number): void;
  /** Accept an AppRole login. */
  enableAppRole(login: VaultAppRoleLogin): void;
  /** Accept a Kubernetes login. */
  enableKubernetes(login: VaultKubernetesLogin): void;
  /** Accept a JWT/OIDC login. */
  enableJwt(login: VaultJwtLogin): void;
  /** Accept a userpass login. */
  enableUserpass(login: VaultUserpassLogin): void;
  /** Inject a fault into matching requests (all of them, or the next `scope.times`). */
  inject(fault: VaultFault, scope?: VaultFaultScope): VaultFaultHandle;
  /** Remove every injected fault. */
  clearFaults(): void;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, reply: VaultReply, truncate = false): void {
  if (reply.status === 204) {
    res.writeHead(204).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(truncate ? text.slice(0, Math.floor(text.length / 2)) : text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Start a {@link VaultTestServer}.
 *
 * @example
 * ```ts
 * const vault = await startVaultTestServer();
 * vault.kv2('secret').put('ci/npm', { token: 'npm_test' });
 * // point the provider at vault.url with token vault.rootToken …
 * await vault.close();
 * ```
 */
export async function startVaultTestServer(options: VaultTestServerOptions = {}): Promise<VaultTestServer> {
  let clockOffsetMs = 0;
  const tokens = new TokenRegistry(() => Date.now() + clockOffsetMs);
  const rootToken = options.rootToken ?? `hvs.root-${randomBytes(12).toString('base64url')}`;
  tokens.add(rootToken);
  const state = { tokens, auth: new AuthBackends(tokens), mounts: new MountTable() };
  const faults = new FaultTable();
  const requests: VaultRequestRecord[] = [];
  const closing = new AbortController();
  // Every delayed request waits on this one signal; under load that is hundreds of listeners by design.
  setMaxListeners(0, closing.signal);

  const mountKv = <V extends 1 | 2>(version: V, path: string, ns = ''): V extends 1 ? VaultKv1Store : VaultKv2Store => {
    const existing = state.mounts.get(ns, path);
    if (existing && (existing.type !== 'kv' || existing.version !== version)) throw new Error(`${path} is already mounted as another engine`);
    if (existing) return existing.store as V extends 1 ? VaultKv1Store : VaultKv2Store;
    const store = version === 1 ? new VaultKv1Store() : new VaultKv2Store();
    state.mounts.set(ns, path, version === 1 ? { type: 'kv', version: 1, store: store as VaultKv1Store } : { type: 'kv', version: 2, store: store as VaultKv2Store });
    return store as V extends 1 ? VaultKv1Store : VaultKv2Store;
  };
  for (const [path, version] of Object.entries(options.kvMounts ?? { secret: 2, kv: 1 })) mountKv(version === 1 ? 1 : 2, path);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/v1\//, '').replace(/\/+$/, '');
    const record: VaultRequestRecord = { method: req.method ?? 'GET', path, query: url.search.replace(/^\?/, ''), namespace: header(req, 'x-vault-namespace') ?? '', hadToken: header(req, 'x-vault-token') !== undefined, status: 0 };
    requests.push(record);
    const body = await readBody(req);
    const plan = faults.plan(path);
    if (plan.latencyMs > 0) await sleep(plan.latencyMs, undefined, { signal: closing.signal }).catch(() => undefined);
    if (closing.signal.aborted) return void req.socket.destroy();
    const action = plan.action;
    if (action?.kind === 'drop') return void req.socket.destroy();
    let reply: VaultReply;
    if (action?.kind === 'sealed') reply = path === 'sys/health' ? { status: 503, body: { initialized: true, sealed: true, standby: true } } : { status: 503, body: { errors: ['Vault is sealed'] } };
    else if (action?.kind === 'status') reply = { status: action.status, body: { errors: [action.message ?? `injected status ${action.status}`] } };
    else if (!url.pathname.startsWith('/v1/')) reply = { status: 404, body: { errors: [] } };
    else if (body === undefined) reply = { status: 400, body: { errors: ['failed to parse JSON input'] } };
    else reply = route(state, { method: record.method, path, query: url.searchParams, namespace: record.namespace.replace(/^\/+|\/+$/g, ''), token: header(req, 'x-vault-token'), body });
    record.status = reply.status;
    send(res, reply, action?.kind === 'truncate');
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: { errors: ['internal error in the Vault test server'] } });
    });
  };
  const tls = options.tls;
  const server = tls
    ? createTlsServer({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}) }, listener)
    : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    rootToken,
    requests,
    count(filter = {}) {
      return requests.filter((r) => (!filter.method || r.method === filter.method.toUpperCase())
        && (filter.path === undefined || (typeof filter.path === 'string' ? r.path.startsWith(filter.path) : filter.path.test(r.path)))).length;
    },
    clearRequests: () => void requests.splice(0, requests.length),
    kv1: (mount, o = {}) => mountKv(1, mount, o.namespace),
    kv2: (mount, o = {}) => mountKv(2, mount, o.namespace),
    database(mount = 'database', o = {}) {
      const existing = state.mounts.get(o.namespace ?? '', mount);
      if (existing?.type === 'database') return existing.store;
      if (existing) throw new Error(`${mount} is already mounted as another engine`);
      const store = new VaultDynamicStore();
      state.mounts.set(o.namespace ?? '', mount, { type: 'database', store });
      return store;
    },
    issueToken: (policy) => tokens.issue(policy),
    revokeToken: (token) => tokens.revoke(token),
    advanceTime: (ms) => void (clockOffsetMs += ms),
    enableAppRole: (login) => state.auth.approle(login),
    enableKubernetes: (login) => state.auth.kubernetes(login),
    enableJwt: (login) => state.auth.jwt(login),
    enableUserpass: (login) => state.auth.userpass(login),
    inject: (fault, scope) => faults.add(fault, scope),
    clearFaults: () => faults.clear(),
    async close() {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
