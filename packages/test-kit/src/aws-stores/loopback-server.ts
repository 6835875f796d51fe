import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Largest request body the store test servers read; anything bigger is refused, not buffered. */
export const MAX_REQUEST_BODY = 1 << 20;

/** Read a request body up to {@link MAX_REQUEST_BODY}; `undefined` when it is larger. */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A handler for one request; a rejection becomes `onCrash`'s answer. */
export type LoopbackHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A started HTTP server on 127.0.0.1 and the pieces every store server exposes. */
export interface LoopbackServer {
  readonly server: Server;
  readonly port: number;
  /** Stop the server and drop open connections (idempotent). */
  close(): Promise<void>;
}

/**
 * Listen on an ephemeral loopback port. Every test server of the AWS stores family goes through
 * here so that none can bind a public interface by mistake.
 */
export async function listenOnLoopback(handle: LoopbackHandler, onCrash: (res: ServerResponse) => void): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) onCrash(res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    server,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}

/** Failures any store server can inject for its next requests. */
export type StoreInjectedFailure = 'throttle' | 'server-error' | 'reset' | 'truncate';

/**
 * Answer 200 announcing `body.length` bytes, send the first half, then cut the connection: a reply
 * lost mid-transfer, which a client must not take for a complete one.
 */
export function sendTruncated(res: ServerResponse, body: Buffer, contentType: string): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length) });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}

/**
 * Fault injection shared by the S3, KMS and SSM test servers: the next N requests fail in a chosen
 * way, and every response can be delayed.
 */
export class FaultPlan {
  #pending: { count: number; failure: StoreInjectedFailure } = { count: 0, failure: 'throttle' };
  #latencyMs = 0;

  /** Fail the next `count` requests (after signature checks) with `failure`. */
  failNext(count: number, failure: StoreInjectedFailure): void {
    this.#pending = { count, failure };
  }

  /** Delay the answer to every signed request by `ms` (it is counted when it arrives, before the delay). */
  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** Wait out the configured latency. */
  async delay(): Promise<void> {
    if (this.#latencyMs > 0) await new Promise((r) => setTimeout(r, this.#latencyMs));
  }

  /** The failure for this request, if one is pending (and count it down). */
  take(): StoreInjectedFailure | undefined {
    if (this.#pending.count <= 0) return undefined;
    this.#pending = { ...this.#pending, count: this.#pending.count - 1 };
    return this.#pending.failure;
  }
}

/** Answer a JSON 1.1 request (KMS, SSM). */
export function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': crypto.randomUUID() };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers).end(JSON.stringify(body));
}

/** An error the JSON 1.1 handlers throw to answer in AWS shape. */
export class JsonFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
