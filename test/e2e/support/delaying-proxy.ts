import { connect, createServer, type Server } from 'node:net';

/** A TCP proxy that holds each connection `delayMs` before forwarding it, and keeps each request head. */
export interface DelayingProxy {
  readonly url: string;
  readonly heads: readonly string[];
  close(): Promise<void>;
}

/**
 * Start a proxy in front of `upstream` (`http://host:port`). The delay keeps the build's
 * download tool alive long enough for a /proc poller to see it for sure: without it a fetch
 * lasts a few milliseconds and a "never saw the token" would prove nothing.
 */
export async function delayingProxy(upstream: string, delayMs: number): Promise<DelayingProxy> {
  const { hostname, port } = new URL(upstream);
  const heads: string[] = [];
  const server: Server = createServer((client) => {
    const chunks: Buffer[] = [];
    const collect = (c: Buffer): void => void chunks.push(c);
    client.on('data', collect);
    client.on('error', () => undefined);
    setTimeout(() => {
      client.off('data', collect);
      const head = Buffer.concat(chunks);
      heads.push(head.toString('latin1').split('\r\n\r\n')[0] ?? '');
      const up = connect(Number(port), hostname, () => {
        up.write(head);
        client.pipe(up);
        up.pipe(client);
      });
      up.on('error', () => client.destroy());
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const proxyPort = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    heads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
