import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { StrategyRefusedError } from '../../errors/index.js';
import type { Logger } from '../../logging/logger.js';
import type { SecretValue } from '../../secret-value.js';
import { bearerToken, tokenChecker } from './access-token.js';
import { secretIdFromTarget } from './request-path.js';

/** Connection limits of the served-file server; the defaults suit a build, tests shorten them. */
export interface SecretServerLimits {
  /** Time allowed for the request headers to arrive (slow-loris guard), ms. Default 5000. */
  readonly headersTimeoutMs: number;
  /** Time allowed for the whole request, ms. Default 10000. */
  readonly requestTimeoutMs: number;
  /** A socket silent for this long is destroyed, ms. Default 10000. */
  readonly idleTimeoutMs: number;
  /** Connections open at once; more are dropped by the server. Default 32. */
  readonly maxConnections: number;
  /** Largest accepted request head in bytes. Default 4096. */
  readonly maxHeaderSize: number;
}

/** The defaults of {@link SecretServerLimits}. */
export const DEFAULT_SERVER_LIMITS: SecretServerLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  maxConnections: 32,
  maxHeaderSize: 4_096,
};

/** One secret the server may hand out, and how often. */
export interface ServedSecret {
  readonly value: SecretValue;
  readonly maxReads: number;
}

/** What {@link startSecretServer} needs. */
export interface SecretServerOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly secrets: ReadonlyMap<string, ServedSecret>;
  readonly logger: Logger;
  readonly limits?: Partial<SecretServerLimits>;
}

/** A running served-file server. */
export interface SecretServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no token, no path). */
  readonly url: string;
  /** Stop serving, drop every socket; idempotent. */
  close(): Promise<void>;
}

const DENIED = 'denied';

function deny(res: ServerResponse, status: 403 | 405): void {
  // One body for every refusal, so a prober cannot tell a bad token from an unknown id or a spent read.
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': DENIED.length, 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(DENIED);
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Start the server on `host:port` (port 0 picks a free one). Throws a {@link StrategyRefusedError} when it cannot listen. */
export async function startSecretServer(options: SecretServerOptions): Promise<SecretServer> {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const checkToken = tokenChecker(options.token);
  const readsLeft = new Map([...options.secrets].map(([id, s]) => [id, s.maxReads]));
  const sockets = new Set<Socket>();
  let open = true;
  let refused = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const from = req.socket.remoteAddress ?? 'unknown';
    const refuse = (status: 403 | 405, why: string): void => {
      refused++;
      options.logger.debug(`served-file: refused a request from ${from} (${why})`);
      deny(res, status);
    };
    if (!open) return refuse(403, 'closed');
    if (req.method !== 'GET') return refuse(405, 'method');
    if (!checkToken(bearerToken(req.headers.authorization))) return refuse(403, 'token');
    const id = secretIdFromTarget(req.url);
    const secret = id === undefined ? undefined : options.secrets.get(id);
    const left = id === undefined ? 0 : (readsLeft.get(id) ?? 0);
    if (id === undefined || secret === undefined || left <= 0) return refuse(403, 'path or reads');
    // Counted before the bytes go out: a read that fails half-way is still spent (fail closed).
    readsLeft.set(id, left - 1);
    const bytes = secret.value.reveal();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length, 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(bytes, () => bytes.fill(0));
    options.logger.debug(`served-file: served ${id} to ${from} (${left - 1} read${left - 1 === 1 ? '' : 's'} left)`);
  };

  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
      keepAliveTimeout: 1,
      // Node checks the two timeouts above on this interval (default 30 s): keep it well below them.
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    handle,
  );
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs, (socket: Socket) => socket.destroy());
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    refused++;
    if (socket.writable) socket.end(err.code === 'HPE_HEADER_OVERFLOW' ? 'HTTP/1.1 431 denied\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 denied\r\nConnection: close\r\n\r\n');
    socket.destroy();
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
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        open = false;
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        if (refused > 0) options.logger.debug(`served-file: refused ${refused} request${refused === 1 ? '' : 's'} in total`);
      })),
  };
}
