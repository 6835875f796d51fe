import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';

/** Where the Secret Manager client library and google-gax keep their .proto files. */
function protoDirs(): string[] {
  const local = createRequire(import.meta.url);
  const clientMain = local.resolve('@google-cloud/secret-manager');
  // build/src/index.js → package root
  const clientRoot = join(dirname(clientMain), '..', '..');
  const gaxMain = createRequire(clientMain).resolve('google-gax');
  const gaxRoot = join(dirname(gaxMain), '..', '..');
  return [join(clientRoot, 'build', 'protos'), join(gaxRoot, 'build', 'protos')];
}

let cached: Promise<ServiceDefinition> | undefined;

/**
 * Load `google.cloud.secretmanager.v1.SecretManagerService` from the protos the official client
 * ships, so the server speaks exactly the wire format the client expects.
 */
export function loadSecretManagerService(): Promise<ServiceDefinition> {
  cached ??= (async () => {
    const protoLoader = await import('@grpc/proto-loader');
    const grpc = await import('@grpc/grpc-js');
    const definition = await protoLoader.load('google/cloud/secretmanager/v1/service.proto', {
      includeDirs: protoDirs(),
      keepCase: false,
      longs: String,
      defaults: false,
      oneofs: true,
    });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      google: { cloud: { secretmanager: { v1: { SecretManagerService: { service: ServiceDefinition } } } } };
    };
    return pkg.google.cloud.secretmanager.v1.SecretManagerService.service;
  })();
  return cached;
}
