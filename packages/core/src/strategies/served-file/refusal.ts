import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const BODY = 'denied';
const HEADERS = { 'Content-Type': 'text/plain', 'Content-Length': BODY.length, 'Cache-Control': 'no-store', Connection: 'close' } as const;

/**
 * The one answer to every refused request: a bad or missing token, a token for another id, an
 * unknown id, a spent read, a wrong method, an oversized or malformed head, a header deadline
 * missed, a connection evicted by a flood. The bytes are identical in every case (no `Date`
 * header, no status text that varies), so a prober learns nothing from the answer itself.
 */
export const REFUSAL_BYTES = Buffer.from(
  `HTTP/1.1 403 Forbidden\r\n${Object.entries(HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${BODY}`,
  'latin1',
);

/** Answer a parsed request with exactly {@link REFUSAL_BYTES} (no `Date`: Node would add one). */
export function refuseResponse(res: ServerResponse): void {
  res.sendDate = false;
  res.writeHead(403, HEADERS);
  res.end(BODY);
}

/** Write {@link REFUSAL_BYTES} to a raw socket (before or instead of HTTP parsing) and close it. */
export function refuseSocket(socket: Socket | null): void {
  if (!socket || socket.destroyed) return;
  if (socket.writable) socket.end(REFUSAL_BYTES);
  // A client that never reads must not keep the socket: close it once the bytes are flushed, or soon.
  const timer = setTimeout(() => socket.destroy(), 1_000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
