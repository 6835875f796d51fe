import { AWS_TEST_CREDENTIALS } from '../aws/aws-secrets-manager-server.js';
import type { AwsTestCredentials } from '../aws/sigv4.js';
import { startJsonProtocolServer } from './json-protocol-server.js';
import type { StoreInjectedFailure } from './loopback-server.js';
import { SsmParameterStore, type SsmParameterType } from './ssm-parameter-store.js';

export { SSM_GET_PARAMETERS_LIMIT, type SsmParameterType } from './ssm-parameter-store.js';

/** Options of {@link startSsmTestServer}. */
export interface SsmTestServerOptions {
  /** Region requests must be signed for (default `us-east-1`). */
  readonly region?: string;
  /** Credentials requests must be signed with (default {@link AWS_TEST_CREDENTIALS}). */
  readonly credentials?: AwsTestCredentials;
  /** Account id in parameter ARNs (default `123456789012`). */
  readonly accountId?: string;
}

/** A running SSM Parameter Store (JSON 1.1) test server on 127.0.0.1. */
export interface SsmTestServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: AwsTestCredentials;
  /** Store a new version of a parameter (default type `SecureString`); returns its version number. */
  putParameter(name: string, value: string, options?: { type?: SsmParameterType; labels?: readonly string[] }): number;
  /** Move a label onto a version. */
  labelParameter(name: string, version: number, label: string): void;
  /**
   * Make every GetParameters call that names this parameter fail as a whole with an error type
   * (`AccessDeniedException`, `InvalidKeyId`, ...), as SSM does; `undefined` clears it.
   */
  failParameter(name: string, errorType: string | undefined): void;
  /** Fail the next `count` requests. */
  failNext(count: number, failure: StoreInjectedFailure): void;
  /** Delay the answer to every signed request by `ms`; the request counts as soon as it arrives. */
  setLatency(ms: number): void;
  /** GetParameters requests received. */
  count(): number;
  /** The `Names` of every signed GetParameters request that reached the store (after injected faults), in order. */
  readonly requests: readonly (readonly string[])[];
  resetCounts(): void;
  close(): Promise<void>;
}

/**
 * Start an SSM Parameter Store server (JSON 1.1, driven by the real AWS SDK) with `GetParameters`:
 * at most 10 names per call, `name:version` and `name:label` selectors, String / StringList /
 * SecureString (ciphertext-looking unless `WithDecryption`), unknown names in `InvalidParameters`.
 * Signatures are checked with the AWS test server's SigV4 verifier.
 */
export async function startSsmTestServer(options: SsmTestServerOptions = {}): Promise<SsmTestServer> {
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? AWS_TEST_CREDENTIALS;
  const store = new SsmParameterStore(region, options.accountId ?? '123456789012');
  const requests: string[][] = [];
  const json = await startJsonProtocolServer({
    signingName: 'ssm',
    targetPrefix: 'AmazonSSM',
    region,
    credentials,
    operations: {
      GetParameters(input) {
        if (Array.isArray(input.Names)) requests.push(input.Names.map(String));
        return store.getParameters(input);
      },
    },
  });
  return {
    endpoint: json.endpoint,
    region,
    credentials,
    requests,
    putParameter: (name, value, opts = {}) => store.put(name, value, opts.type ?? 'SecureString', opts.labels ?? []),
    labelParameter: (name, version, label) => store.label(name, version, label),
    failParameter(name, errorType) {
      const p = store.parameter(name);
      if (!p) throw new Error(`no test parameter named ${name}`);
      p.failWith = errorType;
    },
    failNext: (count, failure) => json.faults.failNext(count, failure),
    setLatency: (ms) => json.faults.setLatency(ms),
    count: () => json.counts.get('GetParameters') ?? 0,
    resetCounts() {
      json.counts.clear();
      requests.length = 0;
    },
    close: () => json.close(),
  };
}
