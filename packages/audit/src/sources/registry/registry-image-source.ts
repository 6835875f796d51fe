/**
 * The `docker://` image source at blob level: `list()` walks the manifests (every platform and
 * attestation), `openBlob()` streams one blob verified against its digest (a mismatch errors the
 * stream with DIGEST_MISMATCH), so a scanner can open layers in any order, several at a time.
 * Shaped as the audit's random-access `ImageSource` (transport `docker`).
 */
import { Readable } from 'node:stream';
import { formatReference, parseImageReference } from './image-reference.js';
import { RegistryClient, type RegistryClientOptions } from './registry-client.js';
import type { BlobDescriptor, RandomAccessImageSource } from '../../source/image-source.js';
import { listRegistryImage, type RegistryListing } from './registry-listing.js';

/** A registry image the scanner reads blob by blob: the audit's random-access source for transport `docker`. */
export interface RegistryImageSource extends RandomAccessImageSource {
  readonly transport: 'docker';
  /** `docker://HOST/REPO:TAG` (or `@DIGEST`), never with credentials. */
  readonly name: string;
  /** Every platform and attestation manifest; the root manifest or index is `root`. */
  list(signal: AbortSignal): Promise<RegistryListing>;
  openBlob(descriptor: BlobDescriptor, signal: AbortSignal): Promise<Readable>;
}

/** Open `reference` (what follows `docker://`). Nothing is fetched until `list()`. */
export function createRegistryImageSource(reference: string, options: RegistryClientOptions = {}): RegistryImageSource {
  const ref = parseImageReference(reference);
  const client = new RegistryClient(ref.registry, ref.endpoint, options);
  let listing: Promise<RegistryListing> | undefined;
  return {
    transport: 'docker',
    access: 'random',
    name: `docker://${formatReference(ref)}`,
    list(signal) {
      listing ??= listRegistryImage(client, ref.repository, ref.digest ?? ref.tag ?? 'latest', [ref.tag ?? ref.digest ?? ''], signal);
      listing.catch(() => (listing = undefined));
      return listing;
    },
    async openBlob(descriptor, signal) {
      const blob = client.blob(ref.repository, descriptor.digest, descriptor.size < 0 ? undefined : descriptor.size, signal);
      // Pull the first chunk now, so a missing blob or a refused request rejects here rather than mid-scan.
      const first = await blob.next();
      return Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* blob;
        })(),
        { objectMode: false },
      );
    },
    async close() {
      client.close();
    },
  };
}
