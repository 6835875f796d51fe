import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { finished } from 'node:stream';
import { StrategyRefusedError } from '../../errors/index.js';
import type { Logger } from '../../logging/logger.js';
import type { SecretValue } from '../../secret-value.js';
import { newAccessToken, tokenChecker } from './access-token.js';
import { PendingConnections } from './pending-connections.js';
import { refuseResponse, refuseSocket } from './refusal.js';
import { presentedToken } from './request-credentials.js';
import { secretIdFromTarget } from './request-path.js';

/** Connection limits of the served-file server; the defaults suit a build, tests shorten them. */
export interface SecretServerLimits {
  /** Time allowed for the request headers to arrive (slow-loris guard), ms. Default 3000. */
  readonly headersTimeoutMs: number;
  /** Time allowed for the whole request, ms. Default 10000. */
  readonly requestTimeoutMs: number;
  /** A socket silent for this long is destroyed, ms. Default 10000. */
  readonly idleTimeoutMs: number;
  /**
   * Connections open at once that have not yet presented a valid token. One more evicts the
   * oldest of them; connections holding a valid token are never evicted. Default 32.
   */
  readonly maxConnections: number;
  /** Largest accepted request head in bytes. Default 4096. */
  readonly maxHeaderSize: number;
}

/** The defaults of {@link SecretServerLimits}. */
export const DEFAULT_SERVER_LIMITS: SecretServerLimits = {
  headersTimeoutMs: 3_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  maxConnections: 32,
  maxHeaderSize: 4_096,
};

/** One secret the server may hand out, to whom, and how often. */
export interface ServedSecret {
  readonly value: SecretValue;
  /** The bearer token for this secret alone: a token never opens another secret. */
  readonly token: string;
  readonly maxReads: number;
}

/** What {@link startSecretServer} needs. */
export interface SecretServerOptions {
  readonly host: string;
  readonly port: number;
  readonly secrets: ReadonlyMap<string, ServedSecret>;
  readonly logger: Logger;
  readonly limits?: Partial<SecretServerLimits>;
}

/** A running served-file server. */
export interface SecretServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no token, no path). */
  readonly url: string;
  /** Ids whose valid token came back after their reads were spent: a sign another process raced the build. */
  readonly replayed: readonly string[];
  /** Stop serving, drop every socket; idempotent. */
  close(): Promise<void>;
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Start the server on `host:port` (port 0 picks a free one). Throws a {@link StrategyRefusedError} when it cannot listen. */
export async function startSecretServer(options: SecretServerOptions): Promise<SecretServer> {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const checkers = new Map([...options.secrets].map(([id, s]) => [id, tokenChecker(s.token)]));
  // An unknown id is checked against a throwaway token, so it costs what a known id costs.
  const nobody = tokenChecker(newAccessToken());
  const readsLeft = new Map([...options.secrets].map(([id, s]) => [id, s.maxReads]));
  const replayed = new Set<string>();
  const sockets = new Set<Socket>();
  const pending = new PendingConnections(limits.maxConnections, refuseSocket);
  let open = true;
  let refused = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const from = req.socket.remoteAddress ?? 'unknown';
    const refuse = (why: string): void => {
      refused++;
      options.logger.debug(`served-file: refused a request from ${from} (${why})`);
      refuseResponse(res);
    };
    if (!open) return refuse('closed');
    if (req.method !== 'GET' && req.method !== 'POST') return refuse('method');
    const id = secretIdFromTarget(req.url);
    const presented = await presentedToken(req);
    if (!open || res.destroyed) return refuse('closed');
    const valid = (id === undefined ? nobody : (checkers.get(id) ?? nobody))(presented);
    if (!valid || id === undefined) return refuse('token, or path');
    pending.admit(req.socket);
    const secret = options.secrets.get(id);
    const left = readsLeft.get(id) ?? 0;
    if (secret === undefined || left <= 0) {
      replayed.add(id);
      options.logger.warn(`served-file: the valid token for ${id} came back after its read${secret?.maxReads === 1 ? ' was' : 's were'} spent; unless the build fetches it more often than maxReads, another process may have read it (rotate it)`);
      return refuse('reads spent');
    }
    // Counted before the bytes go out: a read that fails half-way is still spent (fail closed).
    readsLeft.set(id, left - 1);
    const bytes = secret.value.reveal();
    res.sendDate = false;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length, 'Cache-Control': 'no-store', Connection: 'close' });
    // Zeroed once Node is done with the copy: finished() calls back when the last write was handed
    // to the kernel (which copies it), or when the response failed or was cut off.
    finished(res, () => bytes.fill(0));
    res.end(bytes);
    options.logger.debug(`served-file: served ${id} to ${from} (${left - 1} read${left - 1 === 1 ? '' : 's'} left)`);
  };

  // Loaded here, not imported: on Node 22+ an ESM import of node:http builds its module facade,
  // which reads every export and so loads undici (40+ ms), on every build that imports strategies.
  const { createServer } = process.getBuiltinModule('node:http');
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
      keepAliveTimeout: 1,
      // Node checks the two timeouts above on this interval (default 30 s): keep it well below them.
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => void handle(req, res),
  );
  server.setTimeout(limits.idleTimeoutMs, (socket: Socket) => socket.destroy());
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    pending.add(socket);
  });
  // Errors before a request exists (malformed or oversized head, unknown method, header deadline):
  // the same refusal as everything else.
  server.on('clientError', (_err: NodeJS.ErrnoException, socket: Socket) => {
    refused++;
    refuseSocket(socket);
  });
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    refused++;
    refuseSocket(socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    throw new StrategyRefusedError(`served-file: cannot listen on ${options.host}:${options.port}`, {
      cause: err,
      hint: 'set build.servedFile.host to an address of this machine (127.0.0.1 or the docker bridge gateway) and build.servedFile.port to a free port or 0',
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;

  let closing: Promise<void> | undefined;
  return {
    url: formatUrl(options.host, port),
    get replayed() {
      return [...replayed];
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        open = false;
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        if (refused > 0) options.logger.debug(`served-file: refused ${refused} request${refused === 1 ? '' : 's'} in total`);
        if (pending.evicted > 0) options.logger.debug(`served-file: evicted ${pending.evicted} connection${pending.evicted === 1 ? '' : 's'} that presented no token in time`);
      })),
  };
}
