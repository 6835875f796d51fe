// A fault-injecting HTTP proxy in front of a real registry: requests are forwarded (to HTTP or to
// HTTPS with the registry's CA) unless a rule matches, in which case the proxy answers with a
// status, drops the connection partway through the body, sends the body slowly or stalls, or flips
// a byte. Rules apply a given number of times, so "fails twice, then works" is one line.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What a matching request gets. */
export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  /** Forward the head and `afterBytes` of the body, then destroy the connection. */
  | { readonly kind: 'drop'; readonly afterBytes: number }
  /** Forward the body in `chunkBytes` pieces, `delayMs` apart. */
  | { readonly kind: 'slow'; readonly chunkBytes: number; readonly delayMs: number }
  /** Forward the head and `afterBytes`, then send nothing more (keep the socket open). */
  | { readonly kind: 'stall'; readonly afterBytes: number }
  /** Flip one bit of the body byte at `offset`. */
  | { readonly kind: 'corrupt'; readonly offset: number };

/** A rule: requests whose method and path match get the fault, `times` times (default: always). */
export interface FaultRule {
  readonly method?: string;
  readonly path: RegExp;
  readonly fault: Fault;
  times?: number;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`: use it as the registry host (plain HTTP on loopback). */
  readonly address: string;
  readonly rules: FaultRule[];
  /** Every request seen: method, path, and whether a fault was applied. */
  readonly log: { method: string; path: string; fault: Fault['kind'] | undefined }[];
  close(): Promise<void>;
}

function pickRule(rules: FaultRule[], req: IncomingMessage): FaultRule | undefined {
  const path = (req.url ?? '/').split('?')[0]!;
  const rule = rules.find((r) => (r.method === undefined || r.method === req.method) && r.path.test(path) && (r.times === undefined || r.times > 0));
  if (rule && rule.times !== undefined) rule.times--;
  return rule;
}

/**
 * Start a proxy to `upstream` (`http(s)://127.0.0.1:PORT`; `caPem` for HTTPS). The Host header is
 * rewritten to the upstream's, and a redirect back to the upstream keeps pointing at the proxy.
 */
export async function startFaultProxy(upstream: string, caPem?: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const rules: FaultRule[] = [];
  const log: FaultProxy['log'] = [];
  const sockets = new Set<import('node:net').Socket>();
  let address = '';

  const forward = (req: IncomingMessage, res: ServerResponse, fault: Fault | undefined): void => {
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, ...(caPem ? { ca: caPem } : {}) },
      (upRes) => {
        const headers = { ...upRes.headers };
        if (typeof headers.location === 'string') headers.location = headers.location.replace(target.origin, `http://${address}`);
        if (fault?.kind === 'slow') delete headers['content-length'];
        res.writeHead(upRes.statusCode ?? 502, headers);
        let sent = 0;
        upRes.on('data', (chunk: Buffer) => {
          if (fault?.kind === 'corrupt' && sent <= fault.offset && fault.offset < sent + chunk.length) {
            chunk = Buffer.from(chunk);
            chunk[fault.offset - sent] = chunk[fault.offset - sent]! ^ 0x01;
          }
          if ((fault?.kind === 'drop' || fault?.kind === 'stall') && sent + chunk.length >= fault.afterBytes) {
            res.write(chunk.subarray(0, Math.max(0, fault.afterBytes - sent)));
            sent = fault.afterBytes;
            upRes.destroy();
            if (fault.kind === 'drop') res.socket?.destroy();
            return;
          }
          sent += chunk.length;
          if (fault?.kind === 'slow') {
            upRes.pause();
            let offset = 0;
            const next = (): void => {
              if (offset >= chunk.length) return void upRes.resume();
              res.write(chunk.subarray(offset, offset + fault.chunkBytes));
              offset += fault.chunkBytes;
              setTimeout(next, fault.delayMs);
            };
            next();
            return;
          }
          res.write(chunk);
        });
        upRes.on('end', () => {
          if (fault?.kind === 'slow') {
            const finish = (): void => (upRes.isPaused() ? void setTimeout(finish, fault.delayMs) : void res.end());
            finish();
          } else res.end();
        });
        upRes.on('error', () => res.destroy());
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };

  const server: Server = createServer((req, res) => {
    const rule = pickRule(rules, req);
    log.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, fault: rule?.fault.kind });
    if (rule?.fault.kind === 'status') {
      req.resume();
      res.writeHead(rule.fault.status, { 'Content-Type': 'application/json', ...rule.fault.headers }).end(`{"errors":[{"code":"INJECTED","message":"fault proxy"}]}`);
      return;
    }
    forward(req, res, rule?.fault);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    address,
    rules,
    log,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
