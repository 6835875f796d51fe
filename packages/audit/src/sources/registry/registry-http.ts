/**
 * One HTTP exchange with a registry over node:http/https: keep-alive agents with the registry's
 * TLS settings, redirects followed (the Authorization header never leaves the registry's origin),
 * and two clocks — a deadline for the response head and an idle limit on the socket — so a silent
 * server is an error, never a hang. Connection and TLS failures become typed errors here.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createSecureContext } from 'node:tls';
import { AbortedError, RegistryTlsError, RegistryUnavailableError, TimeoutError } from './registry-errors.js';
import type { RegistryTlsOptions } from './registry-tls.js';

/** Time limits of one request. */
export interface RegistryTimeouts {
  /** Until the response head arrives (default 30 s). */
  readonly headersMs: number;
  /** Longest silence on the socket while connecting or reading a body (default 30 s). */
  readonly idleMs: number;
}

/** A response whose body is still to be read (or discarded with `body.resume()`). */
export interface RegistryResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: IncomingMessage;
  /** The URL that answered (after redirects). */
  readonly url: URL;
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME)/;
const MAX_REDIRECTS = 5;

/** Transport for one registry: its agents, TLS and timeouts. */
export class RegistryHttp {
  private readonly https: HttpsAgent;
  private readonly http: HttpAgent;

  constructor(
    tls: RegistryTlsOptions,
    private readonly timeouts: RegistryTimeouts,
    maxSockets: number,
  ) {
    // One secure context for every connection: building it parses the whole CA list (~100 ms each time).
    const secureContext = createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
    this.https = new HttpsAgent({ keepAlive: true, maxSockets, secureContext, rejectUnauthorized: tls.rejectUnauthorized });
    this.http = new HttpAgent({ keepAlive: true, maxSockets });
  }

  /** Close idle keep-alive sockets. */
  close(): void {
    this.https.destroy();
    this.http.destroy();
  }

  /**
   * Send one request and resolve with the response head. `authorization` is sent only to the
   * origin of `url`; a redirect elsewhere (blob storage) goes without it.
   */
  async send(method: 'GET' | 'HEAD' | 'POST', url: URL, headers: Record<string, string>, authorization: string | undefined, signal: AbortSignal, body?: string): Promise<RegistryResponse> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sameOrigin = current.origin === url.origin;
      const response = await this.once(method, current, { ...headers, ...(authorization && sameOrigin ? { Authorization: authorization } : {}) }, signal, body);
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && location && method !== 'POST') {
        response.body.resume();
        current = new URL(location, current);
        continue;
      }
      return response;
    }
    throw new RegistryUnavailableError(`${url.host} redirected more than ${MAX_REDIRECTS} times`, { retryable: false });
  }

  private once(method: string, url: URL, headers: Record<string, string>, signal: AbortSignal, body: string | undefined): Promise<RegistryResponse> {
    const secure = url.protocol === 'https:';
    const request = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new AbortedError('the registry request was cancelled'));
      let settled = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        reject(err);
      };
      const req = request(url, { method, headers: { 'User-Agent': 'buildsecrets', ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) }, agent: secure ? this.https : this.http, signal });
      const deadline = setTimeout(() => req.destroy(new TimeoutError(`${url.host} sent no response within ${this.timeouts.headersMs} ms`)), this.timeouts.headersMs);
      req.setTimeout(this.timeouts.idleMs, () => req.destroy(new TimeoutError(`${url.host} went silent for ${this.timeouts.idleMs} ms`)));
      req.once('error', (err) => fail(classifyNetworkError(err, url, signal)));
      req.once('response', (res) => {
        if (settled) return void res.destroy();
        settled = true;
        clearTimeout(deadline);
        // A body that stalls is caught by the socket's idle timer (still armed) and reported as a read error.
        res.socket?.setTimeout(this.timeouts.idleMs, () => res.destroy(new TimeoutError(`${url.host} went silent for ${this.timeouts.idleMs} ms while sending a body`)));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url });
      });
      req.end(body);
    });
  }
}

/** Map a socket/TLS error to a typed one; the message names the host, never headers. */
export function classifyNetworkError(err: unknown, url: URL, signal?: AbortSignal): Error {
  if (signal?.aborted) return new AbortedError('the registry request was cancelled');
  if (err instanceof TimeoutError || err instanceof AbortedError) return err;
  if (err instanceof Error && 'code' in err && (err as { code?: unknown }).code === 'TIMEOUT') return err;
  const code = String((err as { code?: unknown }).code ?? '');
  if (TLS_CODES.test(code)) {
    return new RegistryTlsError(`the TLS certificate of ${url.host} was not accepted (${code})`, {
      cause: err,
      hint: 'trust its CA with --cert-dir DIR (*.crt files) or --ca-file FILE; --tls-verify=false turns checking off',
    });
  }
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(String((err as Error).message ?? ''))) {
    return new RegistryTlsError(`${url.host} did not speak TLS as expected (${code || 'EPROTO'})`, { cause: err, kind: 'protocol', hint: 'plain HTTP is used only for a loopback registry or with --tls-verify=false; check the port' });
  }
  return new RegistryUnavailableError(`could not reach ${url.host} (${code || 'connection failed'})`, { cause: err });
}
