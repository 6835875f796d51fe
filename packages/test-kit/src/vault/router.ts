import type { AuthBackends, TokenRegistry } from './auth-backends.js';
import type { VaultReply } from './kv-stores.js';
import type { MountHit, MountTable } from './mount-table.js';

/** One parsed request, as the router sees it. */
export interface RoutedRequest {
  readonly method: string;
  /** Path without `/v1/` and without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly namespace: string;
  readonly token: string | undefined;
  readonly body: Record<string, unknown>;
}

/** The server's state the router reads and writes. */
export interface RouterState {
  readonly tokens: TokenRegistry;
  readonly auth: AuthBackends;
  readonly mounts: MountTable;
}

const errors = (status: number, ...messages: string[]): VaultReply => ({ status, body: { errors: messages } });
const noHandler = (path: string): VaultReply => errors(404, `no handler for route "${path}". route entry not found.`);
// Vault's exact answer to a missing, expired or revoked token.
const invalidToken: VaultReply = { status: 403, body: { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] } };
const VERSION = '1.17.0+buildsecrets-test';

function versionsOf(body: Record<string, unknown>): number[] {
  const raw = body['versions'];
  return Array.isArray(raw) ? raw.map(Number).filter((n) => Number.isInteger(n) && n > 0) : [];
}

function objectField(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = body[field];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function mountInfo(hit: MountHit): VaultReply {
  const { mount } = hit;
  // A KV v1 mount made without options answers `options: null`, as real Vault does.
  const options = mount.type === 'kv' && mount.version === 2 ? { version: '2' } : null;
  return { status: 200, body: { data: { path: `${hit.mountPath}/`, type: mount.type, options, description: '', local: false, seal_wrap: false, external_entropy_access: false } } };
}

function serveKv(req: RoutedRequest, hit: MountHit): VaultReply {
  const { mount, rest } = hit;
  if (mount.type === 'database') return req.method === 'GET' ? mount.store.read(hit.mountPath, rest) : errors(405, 'unsupported operation');
  if (mount.version === 1) {
    if (req.method === 'GET') return mount.store.read(rest);
    if (req.method === 'POST' || req.method === 'PUT') return (mount.store.put(rest, req.body), { status: 204, body: null });
    if (req.method === 'DELETE') return (mount.store.delete(rest), { status: 204, body: null });
    return errors(405, 'unsupported operation');
  }
  const [, op = '', path = ''] = /^([^/]+)\/?(.*)$/.exec(rest) ?? [];
  const store = mount.store;
  if (op === 'data' && req.method === 'GET') {
    const version = req.query.get('version');
    return store.read(path, version ? Number(version) : undefined);
  }
  if (op === 'data' && (req.method === 'POST' || req.method === 'PUT')) {
    const version = store.put(path, objectField(req.body, 'data'));
    return { status: 200, body: { data: { version, deletion_time: '', destroyed: false, created_time: new Date().toISOString() } } };
  }
  if (op === 'data' && req.method === 'DELETE') return (store.delete(path), { status: 204, body: null });
  if (op === 'metadata' && req.method === 'GET') return store.metadata(path);
  if (req.method === 'POST' || req.method === 'PUT') {
    if (op === 'delete') return (store.delete(path, versionsOf(req.body)), { status: 204, body: null });
    if (op === 'undelete') return (store.undelete(path, versionsOf(req.body)), { status: 204, body: null });
    if (op === 'destroy') return (store.destroy(path, versionsOf(req.body)), { status: 204, body: null });
  }
  return noHandler(req.path);
}

/** Answer one request from the server state, with Vault's status codes and `{"errors": [...]}` shape. */
export function route(state: RouterState, req: RoutedRequest): VaultReply {
  if (req.path === 'sys/health') return { status: 200, body: { initialized: true, sealed: false, standby: false, performance_standby: false, version: VERSION, cluster_name: 'buildsecrets-test' } };
  if (req.path.startsWith('auth/') && /\/login(\/[^/]+)?$/.test(req.path)) {
    if (req.method !== 'POST' && req.method !== 'PUT') return errors(405, 'unsupported operation');
    return state.auth.login(req.path, req.body, req.namespace) ?? noHandler(req.path);
  }
  const uiMounts = /^sys\/internal\/ui\/mounts\/(.+)$/.exec(req.path);
  // Vault's preflight answers 403 both for "no such mount" and "no access", so clients cannot probe mounts.
  const preflightDenied = (p: string) => errors(403, `preflight capability check returned 403, please ensure client's policies grant access to path "${p}/"`);
  if (uiMounts) {
    const hit = state.mounts.find(req.namespace, uiMounts[1]!);
    if (!hit) return preflightDenied(uiMounts[1]!);
    const access = state.tokens.check(req.token, `${hit.mountPath}/`, req.namespace);
    if (access === 'invalid') return invalidToken;
    if (access === 'denied' && !state.tokens.canSee(req.token, `${hit.mountPath}/`, req.namespace)) return preflightDenied(hit.mountPath);
    return mountInfo(hit);
  }
  const access = state.tokens.check(req.token, req.path, req.namespace);
  if (access === 'invalid') return invalidToken;
  if (access === 'denied') return errors(403, 'permission denied');
  if (req.path === 'auth/token/lookup-self') {
    return { status: 200, body: { data: { accessor: 'test-accessor', display_name: 'token', policies: ['default'], ttl: state.tokens.ttlSeconds(req.token), renewable: true, type: 'service' } } };
  }
  const hit = state.mounts.find(req.namespace, req.path);
  return hit ? serveKv(req, hit) : noHandler(req.path);
}
