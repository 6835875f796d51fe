import type { BlobDescriptor, ImageListing, ListedImage, Platform } from './image-source.js';

/**
 * Turn the documents of an image archive or layout — docker-archive `manifest.json`, or OCI
 * `index.json` and the indexes/manifests it points to — into an {@link ImageListing}. Shared by
 * every source that holds such documents (archives, layout directories, containers-storage exports).
 */

type Json = unknown;
const MAX_DEPTH = 4;
/** docker's annotation on an attestation manifest in an index, and the digest it refers to. */
export const ATTESTATION_TYPE = 'vnd.docker.reference.type';
export const ATTESTATION_DIGEST = 'vnd.docker.reference.digest';

export function parseJson(doc: Buffer | undefined): Json {
  if (!doc) return undefined;
  try {
    return JSON.parse(doc.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
}

const field = (value: Json, key: string): Json => (typeof value === 'object' && value !== null ? (value as Record<string, Json>)[key] : undefined);
const text = (value: Json): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: Json): Json[] => (Array.isArray(value) ? value : []);
const strings = (value: Json): string[] => list(value).filter((v): v is string => typeof v === 'string');

function annotations(value: Json): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** `sha256:<hex>` → `blobs/sha256/<hex>`. */
export function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

export function descriptor(value: Json, diffId?: string): BlobDescriptor | undefined {
  const digest = text(field(value, 'digest'));
  if (!digest || !/^[a-z0-9]+:[0-9a-f]{32,128}$/.test(digest)) return undefined;
  const size = field(value, 'size');
  const notes = annotations(field(value, 'annotations'));
  return {
    mediaType: text(field(value, 'mediaType')) ?? '',
    digest,
    size: typeof size === 'number' ? size : -1,
    ...(diffId ? { diffId } : {}),
    ...(notes ? { annotations: notes } : {}),
  };
}

function platformOf(value: Json): Platform | undefined {
  const os = text(field(value, 'os'));
  const architecture = text(field(value, 'architecture'));
  if (!os || !architecture) return undefined;
  const variant = text(field(value, 'variant'));
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** The diff ids of a config document, bottom-up. */
export function configDiffIds(config: Buffer | undefined): string[] {
  return strings(field(field(parseJson(config), 'rootfs'), 'diff_ids'));
}

/** One OCI/docker image manifest (with its index entry, when it came from an index) → a listed image. */
export function imageFromManifest(entry: BlobDescriptor, doc: Json, config: Buffer | undefined, from: { platform?: Platform; names: string[] }): ListedImage | undefined {
  const configDescriptor = descriptor(field(doc, 'config'));
  if (!configDescriptor) return undefined;
  const diffIds = configDiffIds(config);
  const layers = list(field(doc, 'layers')).map((l, i) => descriptor(l, diffIds[i])).filter((d): d is BlobDescriptor => d !== undefined);
  const kind = entry.annotations?.[ATTESTATION_TYPE];
  const attests = kind === 'attestation-manifest' ? entry.annotations?.[ATTESTATION_DIGEST] : undefined;
  return {
    manifest: entry,
    ...(from.platform && !attests ? { platform: from.platform } : {}),
    config: configDescriptor,
    layers,
    ...(attests ? { attests } : {}),
    names: from.names,
  };
}

/** Walk an OCI index (nested indexes too) and list every manifest it reaches. */
export function listIndex(index: Json, read: (digest: string) => Buffer | undefined, depth = 0): ListedImage[] {
  const out: ListedImage[] = [];
  for (const item of list(field(index, 'manifests'))) {
    const entry = descriptor(item);
    if (!entry) continue;
    const doc = parseJson(read(entry.digest));
    const name = entry.annotations?.['org.opencontainers.image.ref.name'];
    if (Array.isArray(field(doc, 'manifests'))) {
      if (depth < MAX_DEPTH) out.push(...listIndex(doc, read, depth + 1).map((image) => (name ? { ...image, names: [...image.names, name] } : image)));
      continue;
    }
    const configDigest = text(field(field(doc, 'config'), 'digest'));
    const platform = platformOf(field(item, 'platform'));
    const image = imageFromManifest(entry, doc, configDigest ? read(configDigest) : undefined, { ...(platform ? { platform } : {}), names: name ? [name] : [] });
    if (image) out.push(image);
  }
  return out;
}

const HEX_JSON = /^(?:.*\/)?([0-9a-f]{64})\.json$/;

function dockerArchiveImages(docs: ReadonlyMap<string, Buffer>): ListedImage[] {
  const manifest = parseJson(docs.get('manifest.json'));
  return list(manifest).flatMap((item): ListedImage[] => {
    const configPath = text(field(item, 'Config'));
    if (!configPath) return [];
    const config = docs.get(configPath);
    // `<hex>.json` (docker save) or `blobs/sha256/<hex>` (docker 25+): the name is the config's digest.
    const configHex = HEX_JSON.exec(configPath)?.[1] ?? /blobs\/sha256\/([0-9a-f]{64})$/.exec(configPath)?.[1];
    const diffIds = configDiffIds(config);
    const layers = strings(field(item, 'Layers')).map((path, i): BlobDescriptor => {
      const blob = /blobs\/(sha256)\/([0-9a-f]{64})$/.exec(path);
      // Classic docker save layers are uncompressed tars: their digest is the diff id.
      const digest = blob ? `${blob[1]}:${blob[2]}` : (diffIds[i] ?? '');
      return { mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest, size: -1, ...(diffIds[i] ? { diffId: diffIds[i] } : {}), path };
    });
    return [{
      manifest: { mediaType: 'application/vnd.docker.distribution.manifest.v1+json', digest: '', size: -1, path: 'manifest.json' },
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configHex ? `sha256:${configHex}` : '', size: config?.length ?? -1, path: configPath },
      layers,
      names: strings(field(item, 'RepoTags')),
    }];
  });
}

/** Every image the documents describe; docker's `manifest.json` wins over OCI `index.json` when both exist. */
export function readListing(docs: ReadonlyMap<string, Buffer>): ImageListing {
  const docker = dockerArchiveImages(docs);
  const images = docker.length > 0 ? docker : listIndex(parseJson(docs.get('index.json')), (digest) => docs.get(blobPath(digest)));
  return { images, documents: docs };
}
