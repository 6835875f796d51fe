/**
 * `@buildsecrets/test-kit`: the provider conformance suite and wire-level test servers
 * (Vault HTTP API, AWS Secrets Manager JSON 1.1, S3, KMS and SSM Parameter Store, Google Secret
 * Manager gRPC) and Sneaker sealing helpers for testing
 * buildsecrets providers and configs offline.
 *
 * @packageDocumentation
 */
export {
  runProviderConformance,
  createTestContext,
  type ConformanceOptions,
  type ConformanceSeed,
  type ConformanceIt,
  type ConformanceExpect,
  type SeededSecret,
  type TestProviderContext,
} from './conformance/index.js';
export * from './vault/index.js';
export * from './aws/index.js';
export * from './gcp/index.js';
export * from './aws-stores/index.js';
