/**
 * Reads the archive's own description of the image — docker-archive `manifest.json` or OCI
 * `index.json` and the manifests it points to — to learn which blob is the config and the order and
 * digests of the layers. Archives list these last, so the auditor collects them while streaming and
 * interprets them at the end.
 */

/** One image in the archive (an OCI index may hold several platforms). */
export interface ImageLayout {
  /** Archive path of the image config. */
  readonly config: string | undefined;
  /** Archive paths of the layers, bottom-up. */
  readonly layers: readonly string[];
  /** Digest for each layer path (uncompressed diff id for docker-archive, blob digest for OCI). */
  readonly digests: ReadonlyMap<string, string>;
  /** The config's `rootfs.diff_ids` (uncompressed layer digests, bottom-up): what base images are compared by. */
  readonly diffIds: readonly string[];
}

function configDiffIds(docs: ReadonlyMap<string, Buffer>, config: string | undefined): string[] {
  return strings(field(field(parse(config !== undefined ? docs.get(config) : undefined), 'rootfs'), 'diff_ids'));
}

type Json = unknown;

function parse(doc: Buffer | undefined): Json {
  if (!doc) return undefined;
  try {
    return JSON.parse(doc.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
}

const field = (value: Json, key: string): Json => (typeof value === 'object' && value !== null ? (value as Record<string, Json>)[key] : undefined);
const strings = (value: Json): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** `sha256:<hex>` → `blobs/sha256/<hex>`. */
export function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/** The digest an archive path stands for, when the path says it (`blobs/sha256/<hex>`). */
export function digestFromPath(path: string): string | undefined {
  const match = /(?:^|\/)blobs\/(sha256|sha512)\/([0-9a-f]{64,128})$/.exec(path);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

function dockerLayouts(docs: ReadonlyMap<string, Buffer>): ImageLayout[] {
  const manifest = parse(docs.get('manifest.json'));
  if (!Array.isArray(manifest)) return [];
  return manifest.map((item: Json) => {
    const config = field(item, 'Config');
    const layers = strings(field(item, 'Layers'));
    const diffIds = strings(field(field(parse(typeof config === 'string' ? docs.get(config) : undefined), 'rootfs'), 'diff_ids'));
    const digests = new Map<string, string>();
    layers.forEach((path, i) => digests.set(path, digestFromPath(path) ?? diffIds[i] ?? path));
    return { config: typeof config === 'string' ? config : undefined, layers, digests, diffIds };
  });
}

function ociLayouts(docs: ReadonlyMap<string, Buffer>, index: Json, depth: number): ImageLayout[] {
  const out: ImageLayout[] = [];
  for (const descriptor of Array.isArray(field(index, 'manifests')) ? (field(index, 'manifests') as Json[]) : []) {
    const digest = field(descriptor, 'digest');
    if (typeof digest !== 'string') continue;
    const doc = parse(docs.get(blobPath(digest)));
    if (Array.isArray(field(doc, 'manifests'))) {
      if (depth < 4) out.push(...ociLayouts(docs, doc, depth + 1));
      continue;
    }
    const layerDigests = (Array.isArray(field(doc, 'layers')) ? (field(doc, 'layers') as Json[]) : []).map((l) => field(l, 'digest')).filter((d): d is string => typeof d === 'string');
    const config = field(field(doc, 'config'), 'digest');
    const configPath = typeof config === 'string' ? blobPath(config) : undefined;
    out.push({
      config: configPath,
      layers: layerDigests.map(blobPath),
      digests: new Map(layerDigests.map((d) => [blobPath(d), d])),
      diffIds: configDiffIds(docs, configPath),
    });
  }
  return out;
}

/** Every image the archive describes; docker's `manifest.json` wins over OCI `index.json` when both exist. */
export function readLayouts(docs: ReadonlyMap<string, Buffer>): ImageLayout[] {
  const docker = dockerLayouts(docs);
  if (docker.length > 0) return docker;
  return ociLayouts(docs, parse(docs.get('index.json')), 0);
}
