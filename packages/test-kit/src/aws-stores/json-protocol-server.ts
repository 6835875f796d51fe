import type { ServerResponse } from 'node:http';
import { verifySigV4, type AwsTestCredentials } from '../aws/sigv4.js';
import { FaultPlan, JsonFault, listenOnLoopback, readBody, sendJson, sendTruncated, type LoopbackServer } from './loopback-server.js';

/** One operation of a JSON 1.1 service: parsed input in, output object out (or a thrown {@link JsonFault}). */
export type JsonOperation = (input: Record<string, unknown>) => unknown;

/** What {@link startJsonProtocolServer} needs to know about the service it imitates. */
export interface JsonProtocolService {
  /** SigV4 service name (`kms`, `ssm`). */
  readonly signingName: string;
  /** `X-Amz-Target` prefix before the dot (`TrentService`, `AmazonSSM`). */
  readonly targetPrefix: string;
  readonly region: string;
  readonly credentials: AwsTestCredentials;
  readonly operations: Readonly<Record<string, JsonOperation>>;
}

/** A running JSON 1.1 service with its counters and faults. */
export interface JsonProtocolServer extends LoopbackServer {
  readonly endpoint: string;
  readonly faults: FaultPlan;
  /** Requests per operation name (signed or not). */
  readonly counts: Map<string, number>;
}

const crash = (res: ServerResponse): void => sendJson(res, 500, { __type: 'InternalFailure', message: 'test server failure' }, 'InternalFailure');

/**
 * Serve a subset of an AWS JSON 1.1 service: POST `/` with `X-Amz-Target`, a SigV4 signature checked
 * by the test-kit's AWS verifier (a signed request counts as it arrives), then the injected
 * latency and faults, then the operation.
 */
export async function startJsonProtocolServer(service: JsonProtocolService): Promise<JsonProtocolServer> {
  const faults = new FaultPlan();
  const counts = new Map<string, number>();
  const loopback = await listenOnLoopback(async (req, res) => {
    const body = await readBody(req);
    if (body === undefined) return sendJson(res, 413, { __type: 'ValidationException', message: 'request too large' }, 'ValidationException');
    const target = String(req.headers['x-amz-target'] ?? '');
    const operationName = target.startsWith(`${service.targetPrefix}.`) ? target.slice(service.targetPrefix.length + 1) : '';
    const operation = Object.prototype.hasOwnProperty.call(service.operations, operationName) ? service.operations[operationName] : undefined;
    if (req.method !== 'POST' || !operation) return sendJson(res, 400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
    const denied = verifySigV4(
      { method: req.method, path: req.url ?? '/', headers: req.headers, body },
      { credentials: service.credentials, region: service.region, service: service.signingName },
    );
    if (denied) return sendJson(res, denied === 'MissingAuthenticationTokenException' ? 403 : 400, { __type: denied, message: 'request signature rejected' }, denied);
    // Only requests that passed the signature check count, as on the other AWS test servers.
    counts.set(operationName, (counts.get(operationName) ?? 0) + 1);
    // Counted on arrival, then delayed: a client that gives up during the latency was still seen.
    await faults.delay();
    const failure = faults.take();
    if (failure === 'reset') return void res.socket?.destroy();
    if (failure === 'throttle') return sendJson(res, 400, { __type: 'ThrottlingException', message: 'injected failure' }, 'ThrottlingException');
    if (failure === 'server-error') return sendJson(res, 500, { __type: 'InternalFailure', message: 'injected failure' }, 'InternalFailure');
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { __type: 'SerializationException', message: 'body is not JSON' }, 'SerializationException');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return sendJson(res, 400, { __type: 'SerializationException', message: 'body is not a JSON object' }, 'SerializationException');
    }
    try {
      const output = operation(input as Record<string, unknown>);
      if (failure === 'truncate') return sendTruncated(res, Buffer.from(JSON.stringify(output)), 'application/x-amz-json-1.1');
      sendJson(res, 200, output);
    } catch (err) {
      if (!(err instanceof JsonFault)) throw err;
      sendJson(res, err.status, { __type: err.type, message: err.message }, err.type);
    }
  }, crash);
  return { ...loopback, endpoint: `http://127.0.0.1:${loopback.port}`, faults, counts };
}
