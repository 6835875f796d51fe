/**
 * Walk an image in a registry from its reference: the root manifest or index, every platform's
 * manifest and every attestation manifest (provenance records build arguments), as a listing of
 * images — platform, config, layers — plus the documents (index and manifests) that describe them.
 * The shape is the audit's blob-level listing: the scanner opens each blob by descriptor.
 */
import { isIndexType } from './media-types.js';
import type { FetchedManifest, RegistryClient } from './registry-client.js';
import { UnsupportedManifestError } from './registry-errors.js';

/** A blob named by a manifest (`size` -1 when the manifest gives none). */
export interface RegistryDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An OCI platform from an index. */
export interface RegistryPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** One image manifest (one platform, or an attestation manifest). */
export interface RegistryListedImage {
  readonly manifest: RegistryDescriptor;
  readonly platform?: RegistryPlatform;
  readonly config: RegistryDescriptor;
  readonly layers: readonly RegistryDescriptor[];
  /** For an attestation manifest: the digest of the image manifest it describes. */
  readonly attests?: string;
  readonly names: readonly string[];
}

/** The walked image. */
export interface RegistryListing {
  readonly images: readonly RegistryListedImage[];
  /** `index.json` (a layout index pointing at the root) and `blobs/<alg>/<hex>` of every index and manifest. */
  readonly documents: ReadonlyMap<string, Buffer>;
  /** The root manifest or index. */
  readonly root: FetchedManifest;
}

const MAX_DEPTH = 4;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** `sha256:<hex>` → `blobs/sha256/<hex>`. */
export const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

function strings(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const out = Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return Object.keys(out).length > 0 ? out : undefined;
}

function descriptor(value: unknown, what: string): RegistryDescriptor {
  const { mediaType, digest, size, annotations } = (value ?? {}) as Record<string, unknown>;
  if (typeof digest !== 'string' || !DIGEST.test(digest)) throw new UnsupportedManifestError(`${what} names a blob without a valid digest`);
  const notes = strings(annotations);
  return { mediaType: typeof mediaType === 'string' ? mediaType : '', digest, size: typeof size === 'number' && size >= 0 ? size : -1, ...(notes ? { annotations: notes } : {}) };
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UnsupportedManifestError(`${what} is not a list`);
  return value;
}

function platformOf(value: unknown): RegistryPlatform | undefined {
  const p = strings(value);
  if (!p || !p['os'] || !p['architecture']) return undefined;
  return { os: p['os'], architecture: p['architecture'], ...(p['variant'] ? { variant: p['variant'] } : {}) };
}

/** Fetch every manifest under `reference` (a tag or digest) in `repository`. */
export async function listRegistryImage(client: RegistryClient, repository: string, reference: string, names: readonly string[], signal: AbortSignal): Promise<RegistryListing> {
  const images: RegistryListedImage[] = [];
  const documents = new Map<string, Buffer>();
  const walk = async (manifest: FetchedManifest, entry: { platform?: RegistryPlatform; attests?: string; annotations?: Record<string, string> }, depth: number): Promise<void> => {
    documents.set(blobPath(manifest.digest), manifest.bytes);
    if (isIndexType(manifest.mediaType)) {
      if (depth >= MAX_DEPTH) throw new UnsupportedManifestError(`index ${manifest.digest} nests deeper than ${MAX_DEPTH} levels`);
      const children = list(manifest.json['manifests'], `index ${manifest.digest}`).map((raw) => ({ raw, d: descriptor(raw, `index ${manifest.digest}`) }));
      // Sibling manifests are small: fetch them together.
      const fetched = await Promise.all(children.map((c) => client.manifest(repository, c.d.digest, signal)));
      for (const [i, child] of fetched.entries()) {
        const { raw, d } = children[i]!;
        const notes = d.annotations ?? {};
        const attests = notes['vnd.docker.reference.type'] === 'attestation-manifest' ? notes['vnd.docker.reference.digest'] : undefined;
        const platform = platformOf((raw as Record<string, unknown>)['platform']);
        await walk(child, { ...(platform ? { platform } : {}), ...(attests ? { attests } : {}) }, depth + 1);
      }
      return;
    }
    const what = `manifest ${manifest.digest}`;
    if (manifest.json['config'] === undefined) throw new UnsupportedManifestError(`${what} has no config`);
    images.push({
      manifest: { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length },
      ...(entry.platform ? { platform: entry.platform } : {}),
      config: descriptor(manifest.json['config'], `${what} config`),
      layers: list(manifest.json['layers'], `${what} layers`).map((l) => descriptor(l, `${what} layers`)),
      ...(entry.attests ? { attests: entry.attests } : {}),
      names: depth === 0 ? names : [],
    });
  };
  const root = await client.manifest(repository, reference, signal);
  await walk(root, {}, 0);
  const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: root.mediaType, digest: root.digest, size: root.bytes.length, ...(names[0] ? { annotations: { 'org.opencontainers.image.ref.name': names[0] } } : {}) }] };
  documents.set('index.json', Buffer.from(JSON.stringify(index)));
  return { images, documents, root };
}
