import { VaultDynamicStore, VaultKv1Store, VaultKv2Store, normalizePath } from './kv-stores.js';

/** A secrets engine mounted on the test server. */
export type TestMount =
  | { readonly type: 'kv'; readonly version: 1; readonly store: VaultKv1Store }
  | { readonly type: 'kv'; readonly version: 2; readonly store: VaultKv2Store }
  | { readonly type: 'database'; readonly store: VaultDynamicStore };

/** A path split into the mount that serves it and the rest. */
export interface MountHit {
  readonly mountPath: string;
  readonly mount: TestMount;
  readonly rest: string;
}

/** Secrets engines by namespace (`''` is the root namespace) and mount path. */
export class MountTable {
  readonly #byNamespace = new Map<string, Map<string, TestMount>>();

  /** Mount `mount` at `path` in `namespace`, replacing what was there. */
  set(namespace: string, path: string, mount: TestMount): void {
    const table = this.#byNamespace.get(namespace) ?? new Map<string, TestMount>();
    table.set(normalizePath(path), mount);
    this.#byNamespace.set(namespace, table);
  }

  /** The mount at exactly `path`, if any. */
  get(namespace: string, path: string): TestMount | undefined {
    return this.#byNamespace.get(namespace)?.get(normalizePath(path));
  }

  /** Longest-prefix match, as Vault's router does. */
  find(namespace: string, path: string): MountHit | undefined {
    const table = this.#byNamespace.get(namespace);
    if (!table) return undefined;
    const clean = normalizePath(path);
    let best: MountHit | undefined;
    for (const [mountPath, mount] of table) {
      if (clean !== mountPath && !clean.startsWith(`${mountPath}/`)) continue;
      if (best && best.mountPath.length >= mountPath.length) continue;
      best = { mountPath, mount, rest: clean.slice(mountPath.length + 1) };
    }
    return best;
  }
}
