import type { ServerResponse } from 'node:http';
import type { S3ObjectStore, S3TestObjectVersion } from './s3-object-store.js';

const xmlEscape = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Answer with an S3 XML error (HEAD gets the status and no body, as on S3). */
export function sendS3Error(res: ServerResponse, method: string, status: number, code: string, message: string): void {
  if (res.destroyed) return;
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': crypto.randomUUID() };
  if (method === 'HEAD') return void res.writeHead(status, headers).end();
  res.writeHead(status, headers).end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

/** Answer GetObject / HeadObject for a found version. */
export function sendObject(res: ServerResponse, method: string, version: S3TestObjectVersion): void {
  const body = version.body!;
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(body.length),
    etag: version.etag,
    'last-modified': version.lastModified.toUTCString(),
    'x-amz-version-id': version.versionId,
    'accept-ranges': 'bytes',
  });
  res.end(method === 'HEAD' ? undefined : body);
}

/** Answer ListObjectsV2 (`prefix`, `max-keys`, `start-after`, `continuation-token`). */
export function sendListObjectsV2(res: ServerResponse, store: S3ObjectStore, bucket: string, query: URLSearchParams): void {
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Math.min(1000, Math.max(0, Number(query.get('max-keys') ?? 1000) || 0));
  const token = query.get('continuation-token');
  const after = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : (query.get('start-after') ?? '');
  const all = store.list(bucket, prefix).filter((o) => o.key > after);
  const page = all.slice(0, maxKeys);
  const truncated = all.length > page.length;
  const contents = page
    .map((o) => `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${o.version.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(o.version.etag)}</ETag><Size>${o.version.body!.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
    .join('');
  const next = truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!.key, 'utf8').toString('base64url')}</NextContinuationToken>` : '';
  res.writeHead(200, { 'content-type': 'application/xml' }).end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
  );
}
