export {
  startGcpSecretManagerTestServer,
  type GcpSecretManagerTestServer,
  type GcpTestServerOptions,
  type GcpVerifiedJwt,
  type GcpTestVersionState,
  type GcpInjectedStatus,
} from './gcp-secret-manager-server.js';
export { crc32cOf } from './crc32c.js';
export {
  createGcpTestServiceAccount,
  createGcpTestTls,
  verifyServiceAccountJwt,
  GCP_CLOUD_PLATFORM_SCOPE,
  type GcpTestServiceAccount,
  type GcpTestTls,
} from './test-credentials.js';
export { startGcpTestStsServer, type GcpTestStsServer, type GcpTestStsServerOptions } from './sts-token-server.js';
export { createGcpTestOidcIssuer, verifyOidcToken, type GcpTestOidcIssuer } from './test-oidc-issuer.js';
