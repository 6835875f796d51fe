import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsSecretStore, type AwsTestSecretVersion } from './secret-store.js';
import { verifySigV4, type AwsTestCredentials } from './sigv4.js';
import { AwsFault, handleBatchGetSecretValue, handleGetSecretValue } from './handlers.js';

/** The Secrets Manager operations the test server implements. */
export type AwsTestTarget = 'GetSecretValue' | 'BatchGetSecretValue';

/** Error types that can be injected for the next requests. */
export type AwsInjectedFailure = 'ThrottlingException' | 'InternalServiceError';

/** Credentials the test server accepts by default (documentation values, not real keys). */
export const AWS_TEST_CREDENTIALS: AwsTestCredentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** Options of {@link startAwsSecretsManagerTestServer}. */
export interface AwsTestServerOptions {
  /** Region the signature scope must name (default `us-east-1`). */
  readonly region?: string;
  /** Credentials requests must be signed with (default {@link AWS_TEST_CREDENTIALS}). */
  readonly credentials?: AwsTestCredentials;
  /** Account id in ARNs (default `123456789012`). */
  readonly accountId?: string;
  /** The server's clock for the 15-minute skew check (default `Date.now`); tests move it to simulate skew. */
  readonly now?: () => number;
}

/** A running AWS Secrets Manager (JSON 1.1) test server on 127.0.0.1. */
export interface AwsSecretsManagerTestServer {
  /** `http://127.0.0.1:<port>`: pass as the SDK's / provider's `endpoint`. */
  readonly endpoint: string;
  /** The region requests must be signed for. */
  readonly region: string;
  /** The credentials requests must be signed with. */
  readonly credentials: AwsTestCredentials;
  /** Store a new version of a secret (string or binary); it becomes AWSCURRENT unless `stages` says otherwise. */
  putSecret(name: string, value: string | Uint8Array, options?: { versionId?: string; stages?: readonly string[] }): AwsTestSecretVersion & { arn: string };
  /** Make every read of one secret fail with an error type (`DecryptionFailure`, `AccessDeniedException`, ...), or clear it with `undefined`. */
  failSecret(name: string, errorType: string | undefined): void;
  /** Deny BatchGetSecretValue as an IAM policy without that action would. */
  denyBatch(deny?: boolean): void;
  /** Answer the next `count` requests (any target) with throttling or a 500. */
  failNext(count: number, failure: AwsInjectedFailure): void;
  /** Delay every response by `ms`. */
  setLatency(ms: number): void;
  /** Correctly signed requests received per target, for batching assertions (refused ones do not count). */
  count(target: AwsTestTarget): number;
  /** Set every counter to zero. */
  resetCounts(): void;
  /** Stop the server and drop open connections. */
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) resolve(undefined);
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': crypto.randomUUID() };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers).end(JSON.stringify(body));
}

/**
 * Start an AWS Secrets Manager server speaking the JSON 1.1 protocol on 127.0.0.1, driven by the
 * real AWS SDK. It verifies SigV4 signatures, implements GetSecretValue and BatchGetSecretValue
 * with versions and staging labels, answers errors in AWS shape (`__type` and `x-amzn-ErrorType`),
 * and can inject throttling, 5xx, latency and a policy that denies batching.
 */
export async function startAwsSecretsManagerTestServer(options: AwsTestServerOptions = {}): Promise<AwsSecretsManagerTestServer> {
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? AWS_TEST_CREDENTIALS;
  const store = new AwsSecretStore(region, options.accountId ?? '123456789012');
  const counts: Record<AwsTestTarget, number> = { GetSecretValue: 0, BatchGetSecretValue: 0 };
  let pending: { count: number; failure: AwsInjectedFailure } = { count: 0, failure: 'ThrottlingException' };
  let latencyMs = 0;
  let batchDenied = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    if (body === undefined) return send(res, 413, { __type: 'InvalidRequestException', message: 'request too large' }, 'InvalidRequestException');
    const target = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
    if (req.method !== 'POST' || !(target === 'GetSecretValue' || target === 'BatchGetSecretValue')) {
      return send(res, 400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
    }
    const denied = verifySigV4({ method: req.method, path: req.url ?? '/', headers: req.headers, body }, { credentials, region, service: 'secretsmanager', ...(options.now ? { now: options.now } : {}) });
    if (denied) return send(res, denied === 'MissingAuthenticationTokenException' ? 403 : 400, { __type: denied, message: 'request signature rejected' }, denied);
    // Only requests AWS would have accepted count: an unsigned or forged call proves nothing about batching.
    counts[target]++;
    if (pending.count > 0) {
      pending = { ...pending, count: pending.count - 1 };
      const status = pending.failure === 'ThrottlingException' ? 400 : 500;
      return send(res, status, { __type: pending.failure, message: 'injected failure' }, pending.failure);
    }
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return send(res, 400, { __type: 'SerializationException', message: 'body is not JSON' }, 'SerializationException');
    }
    try {
      if (target === 'BatchGetSecretValue' && batchDenied) {
        throw new AwsFault('AccessDeniedException', 'not authorized to perform: secretsmanager:BatchGetSecretValue');
      }
      send(res, 200, target === 'GetSecretValue' ? handleGetSecretValue(store, input) : handleBatchGetSecretValue(store, input));
    } catch (err) {
      if (!(err instanceof AwsFault)) throw err;
      send(res, err.status, { __type: err.type, message: err.message }, err.type);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { __type: 'InternalServiceError', message: 'test server failure' }, 'InternalServiceError'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    credentials,
    putSecret: (name, value, opts) => store.put(name, value, opts),
    failSecret(name, errorType) {
      const secret = store.secret(name);
      if (!secret) throw new Error(`no test secret named ${name}`);
      secret.failWith = errorType;
    },
    denyBatch: (deny = true) => void (batchDenied = deny),
    failNext: (count, failure) => void (pending = { count, failure }),
    setLatency: (ms) => void (latencyMs = ms),
    count: (target) => counts[target],
    resetCounts() {
      counts.GetSecretValue = 0;
      counts.BatchGetSecretValue = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
