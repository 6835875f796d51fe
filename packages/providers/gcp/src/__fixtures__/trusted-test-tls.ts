import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGcpTestTls } from '../../../../test-kit/src/gcp/test-credentials.js';

/**
 * A test CA and server certificate, with the CA made the default trust root of grpc-js in this
 * process. grpc-js reads GRPC_DEFAULT_SSL_ROOTS_FILE_PATH when it is first loaded, so import this
 * module BEFORE anything that loads grpc-js (the test-kit, the client library).
 */
export const testTls = createGcpTestTls();
/** The directory holding ca.pem (the test removes it). */
export const testTlsDir = mkdtempSync(join(tmpdir(), 'bs-gcp-ca-'));
writeFileSync(join(testTlsDir, 'ca.pem'), testTls.caCert);
process.env['GRPC_DEFAULT_SSL_ROOTS_FILE_PATH'] = join(testTlsDir, 'ca.pem');
