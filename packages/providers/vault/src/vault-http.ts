import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { whenAborted } from './abortable.js';
import { VaultFailure } from './failure.js';
import { WireError, type WireProblem } from './http-failure.js';

/** TLS material, already read from files. */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly skipVerify: boolean;
}

/** Settings of one {@link VaultHttp}. */
export interface VaultHttpOptions {
  readonly address: string;
  readonly namespace: string | undefined;
  readonly tls: TlsMaterial;
  readonly timeoutMs: number;
  /** Epoch ms after which no request may still be waiting. */
  readonly deadline: number;
}

/** One call: the token travels per request, so no client ever holds shared mutable auth state. */
export interface VaultCall {
  readonly token?: string;
  readonly query?: string;
  readonly body?: Record<string, unknown>;
  readonly signal: AbortSignal;
}

interface NodeVaultRequestOptions {
  path: string;
  method: string;
  headers: Record<string, string>;
  json?: Record<string, unknown>;
  timeout: number;
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
}
interface NodeVaultClient {
  token: string | undefined;
  namespace: string | undefined;
  pathPrefix: string;
  request(options: NodeVaultRequestOptions): Promise<unknown>;
}

/** Encode each path segment but keep the slashes Vault routes on. */
export function encodeVaultPath(path: string): string {
  return path.split('/').filter((s) => s.length > 0).map(encodeURIComponent).join('/');
}

function problemOf(error: unknown): WireProblem {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { response?: { statusCode?: unknown; body?: unknown }; code?: unknown };
  if (typeof e.response?.statusCode === 'number') {
    const body = e.response.body;
    const raw = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
    const vaultErrors = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
    return { status: e.response.statusCode, vaultErrors, body, malformed: typeof body === 'string' && e.response.statusCode < 400 };
  }
  return { vaultErrors: [], code: typeof e.code === 'string' ? e.code : 'EUNKNOWN' };
}

/**
 * The provider's only path to Vault: node-vault's generic `request` with explicit paths, because
 * its helpers lack KV v2, build the Kubernetes login path wrongly, and store login tokens on the
 * shared client. node-vault also reads VAULT_TOKEN / VAULT_NAMESPACE / VAULT_PREFIX from
 * `process.env` and logs request bodies (credentials) under DEBUG=node-vault: both are neutralised here.
 */
export class VaultHttp {
  readonly #client: NodeVaultClient;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #options: VaultHttpOptions;

  private constructor(client: NodeVaultClient, agent: HttpAgent | HttpsAgent, options: VaultHttpOptions) {
    this.#client = client;
    this.#agent = agent;
    this.#options = options;
  }

  /** Load node-vault (lazily: runs without Vault never import it) and make a private client. */
  static async create(options: VaultHttpOptions): Promise<VaultHttp> {
    const { default: nodeVault } = await import('node-vault');
    const client = nodeVault({ endpoint: options.address, apiVersion: 'v1', debug: () => undefined, rpDefaults: { strictSSL: true } } as Parameters<typeof nodeVault>[0]) as unknown as NodeVaultClient;
    client.token = undefined;
    client.namespace = options.namespace;
    client.pathPrefix = '';
    const https = options.address.startsWith('https:');
    const agent = https
      ? new HttpsAgent({ keepAlive: true, ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key, rejectUnauthorized: !options.tls.skipVerify })
      : new HttpAgent({ keepAlive: true });
    return new VaultHttp(client, agent, options);
  }

  /** GET a path; resolves with the parsed JSON object, rejects with a {@link WireError} or an abort/timeout {@link VaultFailure}. */
  get(path: string, call: VaultCall): Promise<Record<string, unknown>> {
    return this.#send('GET', path, call);
  }

  /** POST a JSON body to a path. */
  post(path: string, call: VaultCall): Promise<Record<string, unknown>> {
    return this.#send('POST', path, call);
  }

  /** Close pooled sockets. */
  dispose(): void {
    this.#agent.destroy();
  }

  async #send(method: string, path: string, call: VaultCall): Promise<Record<string, unknown>> {
    if (call.signal.aborted) throw new VaultFailure('aborted', 'the run was cancelled before Vault was asked');
    const budget = Math.min(this.#options.timeoutMs, this.#options.deadline - Date.now());
    if (budget <= 0) throw new WireError({ vaultErrors: [], code: 'ETIMEDOUT' });
    const headers: Record<string, string> = { 'X-Vault-Request': 'true' };
    if (call.token) headers['X-Vault-Token'] = call.token;
    const options: NodeVaultRequestOptions = {
      path: `/${encodeVaultPath(path)}${call.query ? `?${call.query}` : ''}`,
      method,
      headers,
      timeout: budget,
      ...(call.body ? { json: call.body } : {}),
      ...(this.#agent instanceof HttpsAgent ? { httpsAgent: this.#agent } : { httpAgent: this.#agent }),
    };
    let timer: NodeJS.Timeout | undefined;
    // node-vault takes no AbortSignal and axios' timeout only watches socket idleness: bound both here.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new WireError({ vaultErrors: [], code: 'ETIMEDOUT' })), budget + 50);
    });
    try {
      const request = this.#client.request(options).catch((error: unknown) => {
        throw new WireError(problemOf(error));
      });
      const body = await Promise.race([request, deadline, whenAborted(call.signal)]);
      if (body === undefined || body === null || body === '') return {};
      if (typeof body !== 'object' || Array.isArray(body)) throw new WireError({ status: 200, vaultErrors: [], malformed: true });
      return body as Record<string, unknown>;
    } finally {
      clearTimeout(timer);
    }
  }
}
