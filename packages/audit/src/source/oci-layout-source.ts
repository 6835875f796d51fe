import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { AbortedError, AuditError } from '@buildsecrets/base';
import type { BlobDescriptor, ImageListing, RandomAccessImageSource } from './image-source.js';
import { blobPath, listIndex, parseJson } from './read-listing.js';
import { verifyDigest } from './verify-digest.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const MAX_DOCUMENT = 32 << 20;

/**
 * `oci:DIR[:TAG]` — an OCI image layout directory (`podman save --format oci-dir`, `buildah push
 * oci:`, `skopeo copy … oci:`). Random access: every blob is a file, so layers are opened and
 * scanned concurrently; each is checked against its digest while it is read. With a TAG, only the
 * index entries named so (`org.opencontainers.image.ref.name`) are listed.
 */
export function ociLayoutSource(dir: string, tag?: string): RandomAccessImageSource {
  const name = `oci:${dir}${tag !== undefined ? `:${tag}` : ''}`;
  const documents = new Map<string, Buffer>();
  const readDocument = (path: string): Buffer | undefined => {
    if (documents.has(path)) return documents.get(path);
    try {
      const bytes = readFileSync(join(dir, path));
      if (bytes.length > MAX_DOCUMENT) return undefined;
      documents.set(path, bytes);
      return bytes;
    } catch {
      return undefined;
    }
  };
  const open = new Set<Readable>();
  return {
    access: 'random',
    transport: 'oci',
    name,
    async list(signal: AbortSignal): Promise<ImageListing> {
      if (signal.aborted) throw new AbortedError(`reading ${name} was cancelled`);
      if (!existsSync(join(dir, 'oci-layout')) || !existsSync(join(dir, 'index.json'))) {
        throw new AuditError(`${dir} is not an OCI image layout (no oci-layout and index.json)`, { hint: 'for an archive file use oci-archive:PATH or docker-archive:PATH' });
      }
      documents.clear();
      let index = parseJson(readDocument('index.json'));
      if (tag !== undefined) {
        const manifests = (index as { manifests?: { annotations?: Record<string, string> }[] }).manifests ?? [];
        const chosen = manifests.filter((m) => m.annotations?.[REF_NAME] === tag);
        if (chosen.length === 0) {
          const tags = manifests.map((m) => m.annotations?.[REF_NAME]).filter((t): t is string => t !== undefined);
          throw new AuditError(`${dir} has no image tagged "${tag}"`, { hint: tags.length > 0 ? `its tags: ${tags.slice(0, 10).join(', ')}` : 'its index names no tags: leave the :TAG out' });
        }
        index = { ...(index as object), manifests: chosen };
      }
      const images = listIndex(index, (digest) => readDocument(blobPath(digest)));
      if (images.length === 0) throw new AuditError(`${name} lists no image manifest`);
      // The configs were read to learn the diff ids; they are scanned as configs, not as documents.
      const configs = new Set(images.map((i) => blobPath(i.config.digest)));
      return { images, documents: new Map([...documents].filter(([path]) => !configs.has(path))) };
    },
    async openBlob(descriptor: BlobDescriptor, signal: AbortSignal): Promise<Readable> {
      if (signal.aborted) throw new AbortedError(`reading ${name} was cancelled`);
      const path = join(dir, blobPath(descriptor.digest));
      if (!/^[a-z0-9]+:[0-9a-f]{32,128}$/.test(descriptor.digest) || !existsSync(path)) {
        throw new AuditError(`${name}: blob ${descriptor.digest.slice(0, 80)} is missing from the layout`);
      }
      const file = createReadStream(path, { highWaterMark: 1 << 20, signal });
      const checked = verifyDigest(descriptor.digest, descriptor.size, name);
      const out = pipeline(file, checked, () => open.delete(out));
      open.add(out);
      return out;
    },
    async close(): Promise<void> {
      for (const stream of open) stream.destroy();
      open.clear();
    },
  };
}
