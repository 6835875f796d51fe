export { startS3TestServer, type S3TestServer, type S3TestServerOptions, type S3TestOperation, type S3TestRequest, type S3TestObjectVersion } from './s3-test-server.js';
export { startKmsTestServer, type KmsTestServer, type KmsTestServerOptions, type KmsTestOperation, type KmsTestDataKey, type KmsEncryptionContext } from './kms-test-server.js';
export { startSsmTestServer, SSM_GET_PARAMETERS_LIMIT, type SsmTestServer, type SsmTestServerOptions, type SsmParameterType } from './ssm-test-server.js';
export { sealSneaker, sealSneakerPack, sealSneakerEnvelope, parseSneakerPath, type SealSneakerOptions, type SealSneakerPackOptions } from './seal-sneaker.js';
export type { StoreInjectedFailure } from './loopback-server.js';
