import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import * as grpc from '@grpc/grpc-js';
import { crc32cOf } from './crc32c.js';
import { startGcpSecretManagerTestServer, type GcpSecretManagerTestServer } from './gcp-secret-manager-server.js';

let server: GcpSecretManagerTestServer;
let client: SecretManagerServiceClient;

async function access(name: string): Promise<{ name?: string | null; data: Buffer; crc: string }> {
  const [res] = await client.accessSecretVersion({ name }, { retry: null });
  return { name: res.name, data: Buffer.from(res.payload?.data ?? []), crc: String(res.payload?.dataCrc32c) };
}

beforeAll(async () => {
  server = await startGcpSecretManagerTestServer();
  client = new SecretManagerServiceClient({ apiEndpoint: '127.0.0.1', port: server.port, sslCreds: grpc.credentials.createInsecure(), universeDomain: 'googleapis.com' });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

describe('Google Secret Manager gRPC test server', () => {
  it('serves numbered versions and `latest` with the real client, with the CRC32C of the data', async () => {
    server.addVersion('s', 'one');
    server.addVersion('s', 'two');
    const latest = await access(`projects/${server.projectId}/secrets/s/versions/latest`);
    expect(latest.name).toBe(`projects/${server.projectId}/secrets/s/versions/2`);
    expect(latest.data.toString()).toBe('two');
    expect(latest.crc).toBe(String(crc32cOf(Buffer.from('two'))));
    expect((await access(`projects/${server.projectId}/secrets/s/versions/1`)).data.toString()).toBe('one');
  });

  it('answers FAILED_PRECONDITION for disabled and destroyed versions, and skips them for `latest`', async () => {
    server.addVersion('d', 'a');
    server.addVersion('d', 'b');
    server.setVersionState('d', 2, 'DESTROYED');
    await expect(access(`projects/${server.projectId}/secrets/d/versions/2`)).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    expect((await access(`projects/${server.projectId}/secrets/d/versions/latest`)).data.toString()).toBe('a');
  });

  it('keeps regional secrets apart from global ones', async () => {
    server.addVersion('r', 'eu', { location: 'europe-west1' });
    expect((await access(`projects/${server.projectId}/locations/europe-west1/secrets/r/versions/latest`)).data.toString()).toBe('eu');
    await expect(access(`projects/${server.projectId}/secrets/r/versions/latest`)).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('injects statuses, corrupted checksums and counts requests', async () => {
    server.resetCounts();
    server.failNext(1, 'RESOURCE_EXHAUSTED');
    await expect(access(`projects/${server.projectId}/secrets/s/versions/1`)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    server.corruptNextChecksums(1);
    const bad = await access(`projects/${server.projectId}/secrets/s/versions/1`);
    expect(bad.crc).not.toBe(String(crc32cOf(bad.data)));
    expect(server.count()).toBe(2);
  });
});
