import type { IncomingMessage, ServerResponse } from 'node:http';
import { AWS_TEST_CREDENTIALS } from '../aws/aws-secrets-manager-server.js';
import { verifySigV4, type AwsTestCredentials } from '../aws/sigv4.js';
import { FaultPlan, listenOnLoopback, readBody, sendTruncated, type StoreInjectedFailure } from './loopback-server.js';
import { S3ObjectStore, type S3TestObjectVersion } from './s3-object-store.js';
import { sendListObjectsV2, sendObject, sendS3Error } from './s3-responses.js';

export type { S3TestObjectVersion } from './s3-object-store.js';

/** The S3 operations the test server implements. */
export type S3TestOperation = 'GetObject' | 'HeadObject' | 'ListObjectsV2';

/** Options of {@link startS3TestServer}. */
export interface S3TestServerOptions {
  /** Region requests must be signed for (default `us-east-1`). */
  readonly region?: string;
  /** Credentials requests must be signed with (default {@link AWS_TEST_CREDENTIALS}). */
  readonly credentials?: AwsTestCredentials;
  /**
   * Host names `<bucket>.<suffix>` are virtual-host requests for `<bucket>` (default `localhost`,
   * so an SDK without `forcePathStyle` pointed at `http://localhost:<port>` works, given a resolver
   * that maps `*.localhost` to loopback).
   */
  readonly virtualHostSuffix?: string;
}

/** One request the S3 test server answered (bucket and key names only). */
export interface S3TestRequest {
  readonly operation: S3TestOperation;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  /** Whether the bucket came from the Host header. */
  readonly virtualHost: boolean;
}

/** A running S3 test server on 127.0.0.1. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`: use with `forcePathStyle: true`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly credentials: AwsTestCredentials;
  /** Make an (always versioned) bucket. */
  createBucket(name: string): void;
  /** Store a new current version of an object (with a chosen or random version id); returns its version id and ETag. */
  putObject(bucket: string, key: string, body: string | Uint8Array, options?: { versionId?: string }): S3TestObjectVersion;
  /** Put a delete marker on an object (older versions stay readable by version id). */
  deleteObject(bucket: string, key: string): void;
  /** Answer reads of one object with `AccessDenied` (or stop with `false`). */
  denyObject(bucket: string, key: string, denied?: boolean): void;
  /** Fail the next `count` requests (`throttle` is S3's 503 SlowDown; `truncate` cuts an object mid-body). */
  failNext(count: number, failure: StoreInjectedFailure): void;
  /** Delay the answer to every signed request by `ms`; the request counts as soon as it arrives. */
  setLatency(ms: number): void;
  /** Requests received per operation. */
  count(operation: S3TestOperation): number;
  /** Every routed request, in order. */
  readonly requests: readonly S3TestRequest[];
  resetCounts(): void;
  close(): Promise<void>;
}

const SIGNATURE_ERRORS = {
  MissingAuthenticationTokenException: 'AccessDenied',
  UnrecognizedClientException: 'InvalidAccessKeyId',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  XAmzContentSHA256Mismatch: 'XAmzContentSHA256Mismatch',
} as const;

function route(req: IncomingMessage, suffix: string): { bucket: string; key: string; query: URLSearchParams; virtualHost: boolean } | undefined {
  const url = new URL(req.url ?? '/', 'http://s3.invalid');
  const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
  const segments = url.pathname.split('/').slice(1);
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (host.endsWith(`.${suffix}`)) return { bucket: host.slice(0, -suffix.length - 1), key: decoded.join('/'), query: url.searchParams, virtualHost: true };
  const [bucket = '', ...rest] = decoded;
  return { bucket, key: rest.join('/'), query: url.searchParams, virtualHost: false };
}

/**
 * Start an S3 server on 127.0.0.1 for the AWS SDK: GetObject and HeadObject (path-style and
 * virtual-host, with `versionId`), ListObjectsV2 with paging, S3-shaped XML errors, SigV4 checked
 * by the AWS test server's verifier, and injected faults and latency.
 */
export async function startS3TestServer(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? AWS_TEST_CREDENTIALS;
  const suffix = options.virtualHostSuffix ?? 'localhost';
  const store = new S3ObjectStore();
  const faults = new FaultPlan();
  const counts = new Map<S3TestOperation, number>();
  const requests: S3TestRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (body === undefined) return sendS3Error(res, method, 400, 'EntityTooLarge', 'request too large');
    const target = route(req, suffix);
    if (!target || !target.bucket) return sendS3Error(res, method, 400, 'InvalidRequest', 'this test server serves objects and bucket listings only');
    const operation: S3TestOperation | undefined =
      target.key === '' ? (method === 'GET' && target.query.get('list-type') === '2' ? 'ListObjectsV2' : undefined)
        : method === 'GET' ? 'GetObject' : method === 'HEAD' ? 'HeadObject' : undefined;
    if (!operation) return sendS3Error(res, method, 405, 'MethodNotAllowed', 'not implemented by the test server');
    const denied = verifySigV4({ method, path: req.url ?? '/', headers: req.headers, body }, { credentials, region, service: 's3' });
    if (denied) return sendS3Error(res, method, 403, SIGNATURE_ERRORS[denied], 'request signature rejected');
    // Only requests that passed the signature check count, as on the other AWS test servers.
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    const versionId = target.query.get('versionId') ?? undefined;
    requests.push({ operation, bucket: target.bucket, key: target.key, versionId, virtualHost: target.virtualHost });
    // Counted on arrival, then delayed: a client that gives up during the latency was still seen.
    await faults.delay();
    const failure = faults.take();
    if (failure === 'reset') return void res.socket?.destroy();
    if (failure === 'throttle') return sendS3Error(res, method, 503, 'SlowDown', 'Please reduce your request rate.');
    if (failure === 'server-error') return sendS3Error(res, method, 500, 'InternalError', 'We encountered an internal error. Please try again.');
    const bucket = store.bucket(target.bucket);
    if (!bucket) return sendS3Error(res, method, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (operation === 'ListObjectsV2') return sendListObjectsV2(res, store, target.bucket, target.query);
    if (bucket.denied.has(target.key)) return sendS3Error(res, method, 403, 'AccessDenied', 'Access Denied');
    if (versionId !== undefined && !/^[\w.+/=-]{1,1024}$/.test(versionId)) return sendS3Error(res, method, 400, 'InvalidArgument', 'Invalid version id specified');
    const found = store.find(target.bucket, target.key, versionId);
    if (found.kind !== 'found') {
      const message = found.kind === 'NoSuchVersion' ? 'The specified version does not exist.' : 'The specified key does not exist.';
      return sendS3Error(res, method, 404, found.kind, message);
    }
    if (failure === 'truncate' && method === 'GET') return sendTruncated(res, found.version.body!, 'application/octet-stream');
    sendObject(res, method, found.version);
  };

  const loopback = await listenOnLoopback(handle, (res) => sendS3Error(res, 'GET', 500, 'InternalError', 'test server failure'));
  return {
    endpoint: `http://127.0.0.1:${loopback.port}`,
    port: loopback.port,
    region,
    credentials,
    requests,
    createBucket: (name) => store.createBucket(name),
    putObject: (bucket, key, body, opts) => store.put(bucket, key, typeof body === 'string' ? Buffer.from(body, 'utf8') : body, opts?.versionId),
    deleteObject: (bucket, key) => store.remove(bucket, key),
    denyObject(bucket, key, denied = true) {
      store.createBucket(bucket);
      const set = store.bucket(bucket)!.denied;
      if (denied) set.add(key);
      else set.delete(key);
    },
    failNext: (count, failure) => faults.failNext(count, failure),
    setLatency: (ms) => faults.setLatency(ms),
    count: (operation) => counts.get(operation) ?? 0,
    resetCounts() {
      counts.clear();
      requests.length = 0;
    },
    close: () => loopback.close(),
  };
}
