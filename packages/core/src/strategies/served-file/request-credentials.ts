import type { IncomingMessage } from 'node:http';
import { bearerToken } from './access-token.js';

/** Longest accepted POST body: a token is 43 characters; anything longer is not one. */
const MAX_TOKEN_BODY = 256;

/**
 * The token a request presents, in one of the two shapes the server accepts:
 * - `GET` with `Authorization: Bearer <token>` (curl reads that header from its stdin config);
 * - `POST` whose body is exactly the token (busybox and GNU wget send it with `--post-file`, so
 *   the token is never on a command line; neither can read a header from a file).
 * Resolves undefined for anything else (chunked or oversized bodies included): the caller refuses.
 */
export function presentedToken(req: IncomingMessage): Promise<string | undefined> {
  if (req.method === 'GET') return Promise.resolve(bearerToken(req.headers.authorization));
  if (req.method !== 'POST') return Promise.resolve(undefined);
  const length = Number(req.headers['content-length']);
  if (req.headers['transfer-encoding'] !== undefined || !Number.isInteger(length) || length < 1 || length > MAX_TOKEN_BODY) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_TOKEN_BODY) chunks.push(chunk);
    });
    req.once('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      resolve(size === length && /^[A-Za-z0-9_-]{1,256}$/.test(body) ? body : undefined);
    });
    req.once('error', () => resolve(undefined));
    req.once('close', () => resolve(undefined));
  });
}
