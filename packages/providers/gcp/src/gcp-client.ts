import { createRequire } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { checkKeyFile } from './check-key-file.js';
import type { GcpProviderOptions } from './options.js';

/** The payload of one AccessSecretVersion answer. */
export interface GcpPayload {
  readonly data: Uint8Array;
  /** The checksum the server computed, as a decimal string; `undefined` when it sent none. */
  readonly crc32c: string | undefined;
  /** The resource name of the version served (`…/versions/7`, also when `latest` was asked); not secret. */
  readonly name?: string | undefined;
}

/** The calls the provider makes, behind a seam. */
export interface GcpCalls {
  /** AccessSecretVersion for one resource name, bounded by `timeoutMs` and with no client-side retries. */
  access(name: string, timeoutMs: number): Promise<GcpPayload>;
  /** The ADC project id (for short secret names). */
  projectId(): Promise<string>;
  close(): Promise<void>;
}

type Int64ish = number | string | { toString(): string } | null | undefined;

function toDecimal(v: Int64ish): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'number' ? String(v) : v.toString();
}

/** The grpc-js the client library itself uses, reached through its own dependency tree. */
function insecureCredentials(): ChannelCredentials {
  const local = createRequire(import.meta.url);
  const fromClient = createRequire(local.resolve('@google-cloud/secret-manager'));
  const gax = fromClient('google-gax') as { grpc: { credentials: { createInsecure(): ChannelCredentials } } };
  return gax.grpc.credentials.createInsecure();
}

/**
 * Load `@google-cloud/secret-manager` (lazily: only used providers pay for it) and make a client.
 * Credentials are left to ADC unless `keyFilename` is set. Client-side retries are switched off per
 * call (`retry: null`) so the resolver's retry policy is the only one in force.
 */
export async function createGcpCalls(options: GcpProviderOptions, baseDir: string, provider: string): Promise<GcpCalls> {
  const keyFilename = options.keyFilename === undefined ? undefined : isAbsolute(options.keyFilename) ? options.keyFilename : resolvePath(baseDir, options.keyFilename);
  if (!options.insecure) {
    await checkKeyFile(keyFilename, 'keyFilename', provider);
    // The client library reads this variable from process.env itself, so that is what is checked.
    if (keyFilename === undefined) await checkKeyFile(process.env['GOOGLE_APPLICATION_CREDENTIALS'], 'GOOGLE_APPLICATION_CREDENTIALS', provider);
  }
  const mod = await import('@google-cloud/secret-manager');
  const Client = mod.SecretManagerServiceClient ?? mod.default.SecretManagerServiceClient;
  const apiEndpoint = options.apiEndpoint ?? (options.location ? `secretmanager.${options.location}.rep.googleapis.com` : undefined);
  const client = new Client({
    ...(apiEndpoint !== undefined ? { apiEndpoint } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.projectId !== undefined ? { projectId: options.projectId } : {}),
    ...(keyFilename !== undefined ? { keyFilename } : {}),
    // With a plain-text channel no credentials are sent, so pin the universe domain too: otherwise
    // the auth library goes looking for ADC (and probes the GCE metadata server) just to read it.
    ...(options.insecure ? { sslCreds: insecureCredentials(), universeDomain: 'googleapis.com' } : {}),
  });
  return {
    async access(name, timeoutMs) {
      const [response] = await client.accessSecretVersion({ name }, { retry: null, timeout: timeoutMs });
      const data = response.payload?.data;
      const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : (data ?? new Uint8Array(0));
      return { data: bytes, crc32c: toDecimal(response.payload?.dataCrc32c), name: response.name ?? undefined };
    },
    projectId: () => client.getProjectId(),
    close: () => client.close(),
  };
}
