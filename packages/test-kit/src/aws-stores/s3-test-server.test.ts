import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startS3TestServer, type S3TestServer } from './s3-test-server.js';

let server: S3TestServer;
const quiet = process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];

/** Resolve every name to 127.0.0.1, so `<bucket>.localhost` reaches the server without DNS. */
const loopbackLookup: LookupFunction = (_host, options, callback) => {
  if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

function client(opts: { secretAccessKey?: string; virtualHost?: boolean } = {}): S3Client {
  return new S3Client({
    region: server.region,
    endpoint: opts.virtualHost ? `http://localhost:${server.port}` : server.endpoint,
    forcePathStyle: !opts.virtualHost,
    maxAttempts: 1,
    credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: opts.secretAccessKey ?? server.credentials.secretAccessKey },
    ...(opts.virtualHost ? { requestHandler: { httpAgent: new Agent({ lookup: loopbackLookup }) } } : {}),
  });
}

beforeAll(async () => {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  server = await startS3TestServer();
});
afterAll(async () => {
  if (quiet === undefined) delete process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
  await server.close();
});

describe('S3 test server', () => {
  it('serves GetObject path-style, with the version id and ETag S3 sends', async () => {
    const put = server.putObject('bkt', 'team/a b+c.txt', 'hello');
    const out = await client().send(new GetObjectCommand({ Bucket: 'bkt', Key: 'team/a b+c.txt' }));
    expect(await out.Body!.transformToString()).toBe('hello');
    expect(out.VersionId).toBe(put.versionId);
    expect(out.ETag).toBe(put.etag);
    expect(server.requests.at(-1)).toMatchObject({ operation: 'GetObject', bucket: 'bkt', key: 'team/a b+c.txt', virtualHost: false });
  });

  it('serves virtual-host requests (bucket in the Host header)', async () => {
    server.putObject('vhost-bucket', 'k', 'v');
    const out = await client({ virtualHost: true }).send(new GetObjectCommand({ Bucket: 'vhost-bucket', Key: 'k' }));
    expect(await out.Body!.transformToString()).toBe('v');
    expect(server.requests.at(-1)).toMatchObject({ bucket: 'vhost-bucket', key: 'k', virtualHost: true });
  });

  it('keeps older versions readable by version id, and HEAD answers without a body', async () => {
    const first = server.putObject('bkt', 'versioned', 'one');
    server.putObject('bkt', 'versioned', 'two');
    const s3 = client();
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'versioned' }))).Body!.transformToString()).toBe('two');
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'versioned', VersionId: first.versionId }))).Body!.transformToString()).toBe('one');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'versioned', VersionId: first.versionId }));
    expect(head.ContentLength).toBe(3);
    server.deleteObject('bkt', 'versioned');
    await expect(s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'versioned' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'versioned' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('answers S3 error codes: NoSuchKey, NoSuchBucket, NoSuchVersion, AccessDenied', async () => {
    const s3 = client();
    await expect(s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'nope' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'no-bucket', Key: 'x' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'team/a b+c.txt', VersionId: 'not-a-version' }))).rejects.toMatchObject({ name: 'NoSuchVersion' });
    server.denyObject('bkt', 'team/a b+c.txt');
    await expect(s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'team/a b+c.txt' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    server.denyObject('bkt', 'team/a b+c.txt', false);
  });

  it('lists with ListObjectsV2, prefix and continuation tokens', async () => {
    for (const k of ['list/a', 'list/b', 'list/c', 'other/x']) server.putObject('bkt', k, k);
    const s3 = client();
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: 'list/', MaxKeys: 2 }));
    expect(first.Contents?.map((c) => c.Key)).toEqual(['list/a', 'list/b']);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: 'list/', ContinuationToken: first.NextContinuationToken! }));
    expect(second.Contents?.map((c) => c.Key)).toEqual(['list/c']);
    expect(second.IsTruncated).toBe(false);
  });

  it('refuses a wrong signing key and an unsigned request', async () => {
    await expect(client({ secretAccessKey: 'wrong' }).send(new GetObjectCommand({ Bucket: 'bkt', Key: 'list/a' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    const res = await fetch(`${server.endpoint}/bkt/list/a`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('injects SlowDown, 500 and resets for the next requests, then serves again', async () => {
    const s3 = client();
    server.failNext(1, 'throttle');
    await expect(s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'list/a' }))).rejects.toMatchObject({ name: 'SlowDown' });
    server.failNext(1, 'server-error');
    await expect(s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'list/a' }))).rejects.toMatchObject({ name: 'InternalError' });
    server.failNext(1, 'reset');
    await expect(s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'list/a' }))).rejects.toBeDefined();
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'list/a' }))).Body!.transformToString()).toBe('list/a');
  });
});
