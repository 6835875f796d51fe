// A hand-written Registry API v2 server on loopback for unit tests: one repository held in memory,
// auth none/basic/bearer (its own token endpoint), and a hook that lets a test answer or break any
// request. It records what clients sent (never asserting on the client's internals).
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';

export interface FakeBlob {
  readonly bytes: Buffer;
}

/** What a test can do with a request: answer it itself (return true), or let the fake answer. */
export type FakeHook = (req: IncomingMessage, res: ServerResponse, seen: number) => boolean | Promise<boolean>;

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly range: string | undefined;
  readonly host: string | undefined;
}

export interface FakeRegistryOptions {
  readonly auth?: 'none' | 'basic' | 'bearer';
  readonly username?: string;
  readonly password?: string;
  /** Serve HTTPS with this key pair. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The refresh token the token endpoint accepts in a POST (identity-token logins). */
  readonly refreshToken?: string;
  /** Token lifetime the token endpoint announces (seconds). */
  readonly tokenSeconds?: number;
}

export interface FakeRegistry {
  readonly url: string;
  readonly address: string;
  readonly requests: SeenRequest[];
  readonly tokensIssued: { scope: string | null; service: string | null; basic: boolean }[];
  /** Put a manifest under a tag (and its digest); returns the digest. */
  putManifest(repo: string, tag: string, mediaType: string, doc: unknown): string;
  /** Put manifest bytes as they are under `reference` (a tag, and their digest). */
  putRawManifest(repo: string, reference: string, mediaType: string, bytes: Buffer): string;
  /** Store a blob; returns its digest. */
  putBlob(repo: string, bytes: Buffer): string;
  hook: FakeHook | undefined;
  close(): Promise<void>;
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function startFakeRegistry(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const manifests = new Map<string, { mediaType: string; bytes: Buffer }>();
  const blobs = new Map<string, Buffer>();
  const tokens = new Set<string>();
  const requests: SeenRequest[] = [];
  const tokensIssued: FakeRegistry['tokensIssued'] = [];
  const counts = new Map<string, number>();
  const auth = options.auth ?? 'none';
  const basic = `Basic ${Buffer.from(`${options.username ?? 'alice'}:${options.password ?? 'pw'}`).toString('base64')}`;
  let self: FakeRegistry;

  const deny = (res: ServerResponse, scope: string): void => {
    const challenge = auth === 'basic' ? 'Basic realm="fake"' : `Bearer realm="${self.url}/token",service="fake-registry",scope="${scope}"`;
    res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization, range: req.headers.range, host: req.headers.host });
    const key = `${req.method} ${url.pathname}`;
    const seen = (counts.get(key) ?? 0) + 1;
    counts.set(key, seen);
    if (self.hook && (await self.hook(req, res, seen))) return;
    if (url.pathname === '/token' && req.method === 'POST') {
      // OAuth2 refresh-token grant (docker's identity tokens).
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== options.refreshToken) return void res.writeHead(401).end();
      const token = randomBytes(8).toString('hex');
      tokens.add(token);
      tokensIssued.push({ scope: form.get('scope'), service: form.get('service'), basic: false });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: token, expires_in: 300 }));
      return;
    }
    if (url.pathname === '/token') {
      const ok = req.headers.authorization === undefined || req.headers.authorization === basic;
      if (!ok) {
        res.writeHead(401).end();
        return;
      }
      const token = randomBytes(8).toString('hex');
      tokens.add(token);
      tokensIssued.push({ scope: url.searchParams.get('scope'), service: url.searchParams.get('service'), basic: req.headers.authorization !== undefined });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, expires_in: options.tokenSeconds ?? 300 }));
      return;
    }
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    const scope = match ? `repository:${match[1]}:pull` : '';
    if (auth !== 'none') {
      const given = req.headers.authorization;
      const allowed = auth === 'basic' ? given === basic : given?.startsWith('Bearer ') && tokens.has(given.slice(7));
      if (!allowed) return deny(res, scope);
    }
    if (url.pathname === '/v2/') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const [, repo, kind, ref] = match as unknown as [string, string, string, string];
    if (kind === 'manifests') {
      const m = manifests.get(`${repo}:${ref}`);
      if (!m) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
        return;
      }
      res.writeHead(200, { 'Content-Type': m.mediaType, 'Docker-Content-Digest': sha256(m.bytes), 'Content-Length': m.bytes.length }).end(req.method === 'HEAD' ? undefined : m.bytes);
      return;
    }
    const blob = blobs.get(`${repo}@${ref}`);
    if (!blob) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${blob.length - 1}/${blob.length}`, 'Content-Length': blob.length - start }).end(blob.subarray(start));
      return;
    }
    res.writeHead(200, { 'Content-Length': blob.length, 'Docker-Content-Digest': ref }).end(blob);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => void handler(req, res).catch(() => res.destroy());
  const server: Server = options.tls ? createHttps({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttp(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  self = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    requests,
    tokensIssued,
    hook: undefined,
    putManifest(repo, tag, mediaType, doc) {
      const bytes = Buffer.from(JSON.stringify(doc));
      const digest = sha256(bytes);
      manifests.set(`${repo}:${tag}`, { mediaType, bytes });
      manifests.set(`${repo}:${digest}`, { mediaType, bytes });
      return digest;
    },
    putRawManifest(repo, reference, mediaType, bytes) {
      const digest = sha256(bytes);
      manifests.set(`${repo}:${reference}`, { mediaType, bytes });
      manifests.set(`${repo}:${digest}`, { mediaType, bytes });
      return digest;
    },
    putBlob(repo, bytes) {
      const digest = sha256(bytes);
      blobs.set(`${repo}@${digest}`, bytes);
      return digest;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return self;
}

/** Put a one-layer OCI image (config + layer bytes as given) under `repo:tag`; returns the digests. */
export function putSimpleImage(fake: FakeRegistry, repo: string, tag: string, layer: Buffer, config: unknown = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }): { manifest: string; layer: string; config: string } {
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = fake.putBlob(repo, configBytes);
  const layerDigest = fake.putBlob(repo, layer);
  const manifest = fake.putManifest(repo, tag, 'application/vnd.oci.image.manifest.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
  });
  return { manifest, layer: layerDigest, config: configDigest };
}
