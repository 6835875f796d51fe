import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsMaterial } from './tls.js';

/** How the fake server answers one secret name. */
export type Answer =
  | { readonly secret: Buffer; readonly expiry?: number }
  | { readonly status: number; readonly body?: string }
  | { readonly raw: string }
  | 'hang';

/** A Keywhiz client API stand-in on 127.0.0.1 requiring a client certificate from the test CA. */
export interface FakeKeywhiz {
  readonly url: string;
  readonly server: Server;
  /** Names the handler answered, in order (a refused client never gets here). */
  readonly served: string[];
  close(): Promise<void>;
}

/** Start the server with `answers` by secret name; unknown names get 404. */
export async function startFakeKeywhiz(tls: TlsMaterial, answers: Record<string, Answer>, cert = { cert: tls.serverCert, key: tls.serverKey }): Promise<FakeKeywhiz> {
  const served: string[] = [];
  const server = createServer({ ...cert, ca: tls.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const match = /^\/secret\/([^/]+)$/.exec(req.url ?? '');
    const name = match ? decodeURIComponent(match[1]!) : '';
    const answer = answers[name];
    served.push(name);
    if (answer === 'hang') return;
    if (answer === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":404,"message":"not found"}');
    } else if ('status' in answer) {
      res.writeHead(answer.status).end(answer.body ?? '');
    } else if ('raw' in answer) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer.raw);
    } else {
      const body = { name, secret: answer.secret.toString('base64'), secretLength: answer.secret.length, creationDate: '2024-01-01T00:00:00Z', isVersioned: false, mode: '0440', ...(answer.expiry !== undefined ? { expiry: answer.expiry } : {}) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    server,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
