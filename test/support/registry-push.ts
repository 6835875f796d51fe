// Getting images INTO a test registry: `docker push` from the e2e dockerd (what a user does), and a
// minimal Registry API v2 upload for what docker 20.10 without buildx cannot push (an image index
// with several platforms, hand-made manifests).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalRegistry } from './local-registry.js';

function run(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      // Never echo argv/env: the registry password travels on stdin only.
      if (err) reject(new Error(`${file} ${args[0] ?? ''} failed: ${String(stderr).trim().slice(-1500)}`));
      else resolve(String(stdout));
    });
    child.stdin?.end(input ?? '');
  });
}

/**
 * `docker push` a local image of the e2e daemon (`dockerEnv` carries DOCKER_HOST) to
 * `<registry>/<repo>:<tag>` and return the manifest digest the registry stored. Logs in with a
 * throwaway DOCKER_CONFIG (password on stdin) so nothing is written to the user's ~/.docker.
 * Loopback registries are "insecure" to dockerd by default: HTTP works and HTTPS is not verified.
 */
export async function dockerPush(registry: LocalRegistry, image: string, repoTag: string, dockerEnv: Readonly<Record<string, string>>, docker = 'docker'): Promise<string> {
  const config = mkdtempSync(join(tmpdir(), 'bs-docker-config-'));
  const env = { ...process.env, ...dockerEnv, DOCKER_CONFIG: config };
  const target = `${registry.address}/${repoTag}`;
  try {
    if (registry.username !== undefined) {
      await run(docker, ['login', '--username', registry.username, '--password-stdin', registry.address], env, registry.password);
    }
    await run(docker, ['tag', image, target], env);
    const out = await run(docker, ['push', target], env);
    await run(docker, ['rmi', target], env).catch(() => undefined);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(out)?.[1];
    if (!digest) throw new Error(`docker push printed no digest:\n${out.slice(-1000)}`);
    return digest;
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

/** sha256 digest string of bytes. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** One request to the test registry with its basic auth and CA; the body is buffered (tests only). */
export function registryRequest(registry: LocalRegistry, method: string, path: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<RawResponse> {
  const url = path.startsWith('http') ? path : `${registry.url}${path}`;
  const auth = registry.username !== undefined ? { Authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}` } : {};
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...auth, ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) }, ...(registry.caPem ? { ca: registry.caPem } : {}), timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.once('error', reject);
    req.end(body);
  });
}

/** Upload one blob (monolithic POST + PUT) unless the registry has it; returns its digest. */
export async function uploadBlob(registry: LocalRegistry, repo: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256Digest(bytes);
  const head = await registryRequest(registry, 'HEAD', `/v2/${repo}/blobs/${digest}`);
  if (head.status === 200) return digest;
  const start = await registryRequest(registry, 'POST', `/v2/${repo}/blobs/uploads/`);
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status} ${start.body.toString('utf8')}`);
  const location = new URL(String(start.headers['location']), registry.url);
  location.searchParams.set('digest', digest);
  const put = await registryRequest(registry, 'PUT', location.toString(), bytes, { 'Content-Type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${put.body.toString('utf8')}`);
  return digest;
}

/** PUT a manifest (or index) document under `reference` (a tag or its digest); returns its digest. */
export async function putManifest(registry: LocalRegistry, repo: string, reference: string, mediaType: string, document: unknown): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(document));
  const res = await registryRequest(registry, 'PUT', `/v2/${repo}/manifests/${reference}`, bytes, { 'Content-Type': mediaType });
  if (res.status !== 201) throw new Error(`manifest PUT: HTTP ${res.status} ${res.body.toString('utf8')}`);
  return sha256Digest(bytes);
}

/** A descriptor for a blob or manifest. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string; readonly variant?: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Upload an OCI image (config JSON + already-compressed or plain tar layers) and PUT its manifest
 * under `reference`; returns the manifest's descriptor (for an index).
 */
export async function uploadOciImage(
  registry: LocalRegistry,
  repo: string,
  reference: string,
  image: { config: unknown; layers: readonly { bytes: Uint8Array; mediaType: string }[] },
): Promise<Descriptor> {
  const configBytes = Buffer.from(JSON.stringify(image.config));
  const configDigest = await uploadBlob(registry, repo, configBytes);
  const layers: Descriptor[] = [];
  for (const layer of image.layers) layers.push({ mediaType: layer.mediaType, digest: await uploadBlob(registry, repo, layer.bytes), size: layer.bytes.length });
  const mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const manifest = { schemaVersion: 2, mediaType, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length }, layers };
  const digest = await putManifest(registry, repo, reference, mediaType, manifest);
  return { mediaType, digest, size: Buffer.byteLength(JSON.stringify(manifest)) };
}
