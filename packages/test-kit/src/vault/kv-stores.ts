import type { VaultData } from './types.js';

/** A handler's answer: HTTP status and JSON body. */
export interface VaultReply {
  /** The HTTP status code. */
  readonly status: number;
  /** The JSON body, in Vault's shape (`{ data: … }` or `{ errors: [...] }`). */
  readonly body: unknown;
}

/** Strip leading and trailing slashes, so `/ci/npm/` and `ci/npm` name the same secret. */
export function normalizePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

const notFound: VaultReply = { status: 404, body: { errors: [] } };

/** A KV version 1 mount: one unversioned JSON object per path. */
export class VaultKv1Store {
  readonly #secrets = new Map<string, VaultData>();

  /** Write (replace) the secret at `path`. */
  put(path: string, data: VaultData): void {
    this.#secrets.set(normalizePath(path), structuredClone(data));
  }

  /** Remove the secret at `path`. */
  delete(path: string): void {
    this.#secrets.delete(normalizePath(path));
  }

  /** Answer a read of `path` the way Vault does. */
  read(path: string): VaultReply {
    const data = this.#secrets.get(normalizePath(path));
    if (!data) return notFound;
    return { status: 200, body: { request_id: crypto.randomUUID(), lease_id: '', renewable: false, lease_duration: 2_764_800, data: structuredClone(data), wrap_info: null, warnings: null, auth: null } };
  }
}

interface Kv2Version {
  data: VaultData | null;
  readonly createdTime: string;
  deletionTime: string;
  destroyed: boolean;
}

/** A KV version 2 mount: every write makes a new version; versions can be soft-deleted or destroyed. */
export class VaultKv2Store {
  readonly #secrets = new Map<string, Kv2Version[]>();

  /** Write a new version of `path`; returns its number (1 for the first write). */
  put(path: string, data: VaultData): number {
    const key = normalizePath(path);
    const versions = this.#secrets.get(key) ?? [];
    versions.push({ data: structuredClone(data), createdTime: new Date().toISOString(), deletionTime: '', destroyed: false });
    this.#secrets.set(key, versions);
    return versions.length;
  }

  /** Soft-delete versions (default: the latest); the data can come back with {@link VaultKv2Store.undelete}. */
  delete(path: string, versions?: readonly number[]): void {
    for (const v of this.#pick(path, versions)) if (!v.destroyed) v.deletionTime = new Date().toISOString();
  }

  /** Undo a soft delete. */
  undelete(path: string, versions: readonly number[]): void {
    for (const v of this.#pick(path, versions)) if (!v.destroyed) v.deletionTime = '';
  }

  /** Destroy versions (default: the latest) for good: the data is gone, the metadata stays. */
  destroy(path: string, versions?: readonly number[]): void {
    for (const v of this.#pick(path, versions)) {
      v.destroyed = true;
      v.data = null;
    }
  }

  /** The latest version number of `path` (0 when it does not exist). */
  currentVersion(path: string): number {
    return this.#secrets.get(normalizePath(path))?.length ?? 0;
  }

  /** Answer `GET <mount>/data/<path>[?version=N]` the way Vault does, including its 404 shape for deleted versions. */
  read(path: string, version?: number): VaultReply {
    const versions = this.#secrets.get(normalizePath(path));
    if (!versions || versions.length === 0) return notFound;
    const number = version && version > 0 ? version : versions.length;
    const entry = versions[number - 1];
    if (!entry) return notFound;
    const metadata = { created_time: entry.createdTime, custom_metadata: null, deletion_time: entry.deletionTime, destroyed: entry.destroyed, version: number };
    const gone = entry.destroyed || entry.deletionTime !== '';
    // Vault answers a deleted or destroyed version with 404 *and* a body carrying its metadata.
    const data = gone ? null : structuredClone(entry.data);
    return { status: gone ? 404 : 200, body: { request_id: crypto.randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: { data, metadata }, wrap_info: null, warnings: null, auth: null } };
  }

  /** Answer `GET <mount>/metadata/<path>`. */
  metadata(path: string): VaultReply {
    const versions = this.#secrets.get(normalizePath(path));
    if (!versions || versions.length === 0) return notFound;
    const map: Record<string, unknown> = {};
    versions.forEach((v, i) => {
      map[String(i + 1)] = { created_time: v.createdTime, deletion_time: v.deletionTime, destroyed: v.destroyed };
    });
    return { status: 200, body: { data: { current_version: versions.length, oldest_version: 1, max_versions: 0, cas_required: false, versions: map } } };
  }

  #pick(path: string, versions?: readonly number[]): Kv2Version[] {
    const all = this.#secrets.get(normalizePath(path)) ?? [];
    const wanted = versions && versions.length > 0 ? versions : [all.length];
    return wanted.map((n) => all[n - 1]).filter((v): v is Kv2Version => v !== undefined);
  }
}

/** A dynamic-secrets mount such as `database/`: `GET <mount>/creds/<role>` mints fresh credentials. */
export class VaultDynamicStore {
  readonly #roles = new Map<string, () => VaultData>();
  #leases = 0;

  /** Define a role; `mint` is called on every read (default: a random username/password pair). */
  role(name: string, mint?: () => VaultData): this {
    this.#roles.set(normalizePath(name), mint ?? (() => ({ username: `v-${name}-${crypto.randomUUID().slice(0, 8)}`, password: crypto.randomUUID() })));
    return this;
  }

  /** How many credentials were minted so far. */
  get issued(): number {
    return this.#leases;
  }

  /** Answer `GET <mount>/creds/<role>`. */
  read(mount: string, rest: string): VaultReply {
    const match = /^creds\/(.+)$/.exec(normalizePath(rest));
    const mint = match ? this.#roles.get(match[1]!) : undefined;
    if (!match || !mint) return { status: 400, body: { errors: [`unknown role: ${match?.[1] ?? rest}`] } };
    this.#leases += 1;
    return { status: 200, body: { request_id: crypto.randomUUID(), lease_id: `${mount}/creds/${match[1]}/${crypto.randomUUID()}`, renewable: true, lease_duration: 3600, data: mint(), wrap_info: null, warnings: null, auth: null } };
  }
}
