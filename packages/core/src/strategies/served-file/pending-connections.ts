import type { Socket } from 'node:net';

/**
 * Connections that have not yet proven a token, oldest first. When more than `limit` are open,
 * the oldest is evicted (answered with the refusal and closed): a flood of idle or slow
 * connections therefore cycles through the pending pool instead of filling the server, and a
 * legitimate fetch — which sends its whole request the moment it connects — always gets a slot.
 * A connection that presented a valid token leaves the pool and is never evicted: every expected
 * fetch has its own slot.
 */
export class PendingConnections {
  readonly #pending = new Set<Socket>();
  #evicted = 0;

  constructor(
    private readonly limit: number,
    private readonly evict: (socket: Socket) => void,
  ) {}

  /** A new connection: it joins the pool; the oldest pending one goes if the pool is over its limit. */
  add(socket: Socket): void {
    this.#pending.add(socket);
    socket.once('close', () => this.#pending.delete(socket));
    while (this.#pending.size > this.limit) {
      const oldest = this.#pending.values().next().value;
      if (oldest === undefined) break;
      this.#pending.delete(oldest);
      this.#evicted++;
      this.evict(oldest);
    }
  }

  /** The connection presented a valid token: it holds a reserved slot from now on. */
  admit(socket: Socket): void {
    this.#pending.delete(socket);
  }

  /** How many connections were evicted so far. */
  get evicted(): number {
    return this.#evicted;
  }
}
