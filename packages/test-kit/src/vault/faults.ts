import type { VaultFaultScope, VaultFault } from './types.js';

/** A fault added with `server.inject(fault, scope)`; `remove()` takes it out early. */
export interface VaultFaultHandle {
  /** Stop injecting this fault. */
  remove(): void;
  /** How many requests it has hit so far. */
  readonly hits: number;
}

interface Entry {
  readonly fault: VaultFault;
  readonly path: string | RegExp | undefined;
  remaining: number;
  hits: number;
}

/** What to do with one request once every matching fault was consumed. */
export interface FaultPlan {
  /** Total delay before acting. */
  readonly latencyMs: number;
  /** The first non-latency fault that matched, if any. */
  readonly action: Exclude<VaultFault, { kind: 'latency' }> | undefined;
}

function matches(scope: string | RegExp | undefined, path: string): boolean {
  if (scope === undefined) return true;
  return typeof scope === 'string' ? path.startsWith(scope.replace(/^\/+/, '')) : scope.test(path);
}

/** Faults injected into the test server, in the order they were added. */
export class FaultTable {
  readonly #entries: Entry[] = [];

  /** Inject `fault` into requests matching `scope`. */
  add(fault: VaultFault, scope: VaultFaultScope = {}): VaultFaultHandle {
    const entry: Entry = { fault, path: scope.path, remaining: scope.times ?? Number.POSITIVE_INFINITY, hits: 0 };
    this.#entries.push(entry);
    return {
      remove: () => this.#drop(entry),
      get hits() {
        return entry.hits;
      },
    };
  }

  /** Remove every fault. */
  clear(): void {
    this.#entries.length = 0;
  }

  /** Consume the faults that apply to a request to `path`. Latency adds up; the first other fault wins. */
  plan(path: string): FaultPlan {
    let latencyMs = 0;
    let action: FaultPlan['action'];
    for (const entry of [...this.#entries]) {
      if (!matches(entry.path, path)) continue;
      if (entry.fault.kind !== 'latency' && action) continue;
      entry.hits += 1;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.#drop(entry);
      if (entry.fault.kind === 'latency') latencyMs += entry.fault.ms;
      else action = entry.fault;
    }
    return { latencyMs, action };
  }

  #drop(entry: Entry): void {
    const at = this.#entries.indexOf(entry);
    if (at >= 0) this.#entries.splice(at, 1);
  }
}
