export {
  startAwsSecretsManagerTestServer,
  AWS_TEST_CREDENTIALS,
  type AwsSecretsManagerTestServer,
  type AwsTestServerOptions,
  type AwsTestTarget,
  type AwsInjectedFailure,
} from './aws-secrets-manager-server.js';
export { verifySigV4, SIGV4_MAX_SKEW_MS, type AwsTestCredentials, type SigV4Failure } from './sigv4.js';
export type { AwsTestSecretVersion } from './secret-store.js';
