import { Agent } from 'node:https';
import {
  AbortedError,
  BuildSecretsError,
  InvalidSecretError,
  secretFailed,
  secretOk,
  type ProviderContext,
  type SecretProvider,
  type SecretRequest,
  type SecretResult,
} from '@buildsecrets/core';
import { assertNoVersion, finishValue } from '../finish-value.js';
import { MAX_SECRET_BYTES } from '../limits.js';
import type { KeywhizServerOptions } from '../options.js';
import { httpsGet } from './https-get.js';
import { loadPem } from './load-pem.js';
import { mapStatus, mapTransportError } from './map-failure.js';
import { parseReply } from './parse-reply.js';

/** Base64 plus the JSON around it; anything larger is not a secret BuildKit would take. */
const MAX_BODY_BYTES = Math.ceil((MAX_SECRET_BYTES * 4) / 3) + 64 * 1024;

/** Server mode: `GET <url>/secret/<name>` over mTLS, trusting only the configured CA. */
export async function createServerProvider(options: KeywhizServerOptions, context: ProviderContext): Promise<SecretProvider> {
  const provider = context.instanceName;
  const [cert, key, ca] = await Promise.all([
    loadPem(options.clientCert, 'clientCert', context.baseDir, provider),
    loadPem(options.clientKey, 'clientKey', context.baseDir, provider),
    loadPem(options.ca, 'ca', context.baseDir, provider),
  ]);
  context.registerSensitive('keywhiz client key', key);
  // `ca` replaces Node's default trust store for this agent: only the pinned CA is trusted.
  const agent = new Agent({ cert, key, ca, keepAlive: true, maxSockets: 8 });
  const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  const host = base.host;

  const one = async (request: SecretRequest, signal: AbortSignal): Promise<SecretResult> => {
    assertNoVersion(request, provider);
    if (request.ref.length === 0 || request.ref.includes('\0')) {
      throw new InvalidSecretError(`secret "${request.id}": ref must be a non-empty Keywhiz secret name`, { secretId: request.id, provider });
    }
    const url = new URL(`secret/${encodeURIComponent(request.ref)}`, base);
    let reply;
    try {
      reply = await httpsGet(url, agent, options.timeoutMs, MAX_BODY_BYTES, signal);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EBODYTOOLARGE') {
        throw new InvalidSecretError(`keywhiz at ${host} sent more than ${MAX_BODY_BYTES} bytes for secret "${request.id}"`, { secretId: request.id, provider });
      }
      throw mapTransportError(error, request, host, options.timeoutMs, provider);
    }
    if (reply.status !== 200) {
      reply.body.fill(0);
      throw mapStatus(reply.status, request, host, provider);
    }
    return secretOk(request.id, finishValue(parseReply(reply.body, request, host, provider), request, provider));
  };

  return {
    async resolve(requests, signal) {
      if (signal.aborted) throw new AbortedError(undefined, { provider });
      return Promise.all(
        requests.map((request) =>
          one(request, signal).catch((error: unknown) =>
            secretFailed(request.id, error instanceof BuildSecretsError ? error : mapTransportError(error, request, host, options.timeoutMs, provider)),
          ),
        ),
      );
    },
    describe: (request) => `keywhiz secret ${request.ref} at ${host}`,
    dispose() {
      agent.destroy();
    },
  };
}
