import type { Agent } from 'node:https';
import { request } from 'node:https';

/** A finished HTTP exchange. */
export interface HttpReply {
  readonly status: number;
  readonly body: Buffer;
}

/** Marks the failures this module makes itself, so callers can tell them from socket errors. */
export class TransportError extends Error {
  constructor(readonly code: 'ETIMEDOUT' | 'EBODYTOOLARGE') {
    super(code);
    this.name = 'TransportError';
  }
}

/**
 * GET `url` through `agent` (which carries the client certificate and the pinned CA), bounded by
 * `timeoutMs` for the whole exchange and by `maxBytes` for the body.
 */
export function httpsGet(url: URL, agent: Agent, timeoutMs: number, maxBytes: number, signal: AbortSignal): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent, signal, headers: { accept: 'application/json' } });
    const timer = setTimeout(() => req.destroy(new TransportError('ETIMEDOUT')), timeoutMs);
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new TransportError('EBODYTOOLARGE'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.end();
  });
}
