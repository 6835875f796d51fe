import { createServer, type Server, type Socket } from 'node:net';

/** How a {@link startBrokenServer} misbehaves on every connection. */
export type BrokenMode =
  /** Accept, then destroy the socket without a byte. */
  | 'drop'
  /** Answer HTTP 200 with a JSON body cut in half. */
  | 'truncate'
  /** Answer HTTP 500 with a JSON error. */
  | 'status-500'
  /** Answer bytes that are neither HTTP/1.1 nor HTTP/2 (for gRPC clients). */
  | 'garbage';

/** A loopback TCP server that answers every connection wrongly, for clients whose test server cannot. */
export interface BrokenServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

function respond(socket: Socket, mode: BrokenMode): void {
  if (mode === 'drop') return void socket.destroy();
  if (mode === 'garbage') return void socket.end(Buffer.from('\x00\x01not-a-protocol\r\n\r\n'));
  // Answer once the request head arrived, so the client sees a reply to its request.
  socket.once('data', () => {
    const body = mode === 'truncate' ? '{"SecretString":"abc","Name":"x"'.slice(0, 17) : '{"__type":"InternalFailure","message":"boom"}';
    const status = mode === 'truncate' ? '200 OK' : '500 Internal Server Error';
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  });
}

/** Start a {@link BrokenServer} on 127.0.0.1 (random port). */
export async function startBrokenServer(mode: BrokenMode): Promise<BrokenServer> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    respond(socket, mode);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
