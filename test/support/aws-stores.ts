import {
  startKmsTestServer,
  startS3TestServer,
  startSsmTestServer,
  type KmsTestServer,
  type S3TestServer,
  type SsmTestServer,
} from '@buildsecrets/test-kit';

/** The S3, KMS and SSM test servers the sneaker and ssm providers read, started together. */
export interface AwsStoreServers {
  readonly s3: S3TestServer;
  readonly kms: KmsTestServer;
  readonly ssm: SsmTestServer;
  close(): Promise<void>;
}

/** Start the S3, KMS and SSM test servers (all three accept the same static credentials). */
export async function startAwsStoreServers(): Promise<AwsStoreServers> {
  const [s3, kms, ssm] = await Promise.all([startS3TestServer(), startKmsTestServer(), startSsmTestServer()]);
  return { s3, kms, ssm, close: async () => void (await Promise.all([s3.close(), kms.close(), ssm.close()])) };
}

/**
 * The environment that makes the AWS SDK's default credential chain use these static keys and
 * nothing of the host's: no profile, no config or credentials file, no instance metadata (which
 * would otherwise be probed and slow every test down), no region or endpoint override.
 */
export function awsTestCredentialEnv(credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_CONFIG_FILE: '/nonexistent/buildsecrets/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/buildsecrets/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * Set variables on `process.env` (`undefined` removes one) for SDKs that read it themselves, and
 * return the function that puts back what was there.
 */
export function setProcessEnv(vars: Record<string, string | undefined>): () => void {
  const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]] as const));
  const apply = (entries: Iterable<readonly [string, string | undefined]>): void => {
    for (const [k, v] of entries) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(Object.entries(vars));
  return () => apply(saved);
}
